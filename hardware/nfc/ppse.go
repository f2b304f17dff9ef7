package nfc

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// ppseName is the proximity payment system environment, the directory every
// contactless payment card answers (EMV Book B §3.3).
var ppseName = []byte("2PAY.SYS.DDF01")

// maxCandidates bounds the applications tried from one PPSE.
const maxCandidates = 8

// candidate is a supported application listed in the PPSE.
type candidate struct {
	app      Application
	label    string // 50 of the directory entry
	priority int    // 87 low nibble; 1 is first, 0 (none) is after 15
}

// selectCmd is SELECT by DF name, first or only occurrence.
func selectCmd(name []byte) Command {
	return Command{INS: insSelect, P1: 0x04, P2: 0x00, Data: name, Le: 0}
}

// selectPPSE reads the PPSE and returns the supported applications, highest
// priority first. A card without a PPSE, or with no supported application,
// yields ErrNoApplication.
func selectPPSE(ctx context.Context, t Transceiver) ([]candidate, error) {
	r, err := Exchange(ctx, t, selectCmd(ppseName))
	var se *StatusError
	if errors.As(err, &se) {
		return nil, fmt.Errorf("nfc: select PPSE: %w: %w", ErrNoApplication, err)
	}
	if err != nil {
		return nil, fmt.Errorf("nfc: select PPSE: %w", err)
	}
	tlvs, err := Parse(r.Data)
	if err != nil {
		return nil, fmt.Errorf("nfc: select PPSE: %w", err)
	}
	fci := Find(tlvs, TagFCI)
	if fci == nil {
		return nil, fmt.Errorf("nfc: select PPSE: %w: no FCI template (6F)", ErrBadResponse)
	}
	cands := directory(fci.Children)
	if len(cands) == 0 {
		return nil, fmt.Errorf("nfc: select PPSE: %w", ErrNoApplication)
	}
	return cands, nil
}

// directory lists the supported entries of the FCI's BF0C, ordered by
// priority (stable, so equal priorities keep the card's order).
func directory(fci []TLV) []candidate {
	disc := Find(fci, TagFCIDiscretion)
	if disc == nil {
		return nil
	}
	var out []candidate
	for _, e := range disc.Children {
		if e.Tag != TagDirEntry || len(out) == maxCandidates {
			continue
		}
		aid := Find(e.Children, TagAID)
		if aid == nil || len(aid.Value) < ridLen || len(aid.Value) > 16 {
			continue
		}
		app, ok := LookupAID(aid.Value)
		if !ok {
			continue
		}
		label, priority := valueText(e.Children, TagLabel), priorityOf(e.Children)
		out = append(out, candidate{app: app, label: label, priority: priority})
	}
	slices.SortStableFunc(out, func(a, b candidate) int { return rank(a.priority) - rank(b.priority) })
	return out
}

// priorityOf reads the application priority indicator, 0 when absent.
func priorityOf(tlvs []TLV) int {
	p := Find(tlvs, TagPriority)
	if p == nil || len(p.Value) != 1 {
		return 0
	}
	return int(p.Value[0] & 0x0F)
}

// rank orders priorities: 1 first, 15 last but one, 0 (no priority) last.
func rank(priority int) int {
	if priority == 0 {
		return 16
	}
	return priority
}

// valueText returns the printable text of tag's value, "" when absent.
func valueText(tlvs []TLV, tag Tag) string {
	if t := Find(tlvs, tag); t != nil {
		return text(t.Value)
	}
	return ""
}

// text decodes an ans field as ISO 8859-1 (the code table EMV labels use),
// dropping control characters so a card cannot write to the terminal.
func text(b []byte) string {
	r := make([]rune, 0, len(b))
	for _, c := range b {
		if c >= 0x20 && c != 0x7F && (c < 0x80 || c >= 0xA0) {
			r = append(r, rune(c))
		}
	}
	return string(r)
}
