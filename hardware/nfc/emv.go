package nfc

import (
	"context"
	"errors"
	"fmt"
)

// Limits on what a card can make the till do.
const (
	maxPDOLData = 252 // 83 81 xx and the data must fit a short APDU (255)
	maxRecords  = 32  // READ RECORDs one AFL may ask for
)

// ReadCard runs the contactless read of EMV Book B and C-7 (qPBOC) up to the
// card's first cryptogram: SELECT PPSE; SELECT the supported application of
// highest priority (trying the next if one cannot be selected); GET
// PROCESSING OPTIONS with the PDOL filled from txn; READ RECORD over the
// AFL. qPBOC and qVSDC cards answer the GPO with their cryptogram (9F26,
// 9F27); a card answering in format 1 yields CryptogramType NoCryptogram.
//
// A card that is not a payment card yields ErrNoApplication (try ReadUID),
// a garbled one ErrMalformedTLV or ErrBadResponse, a card refusing the
// command a *StatusError; errors of the Transceiver are wrapped.
func ReadCard(ctx context.Context, t Transceiver, txn Transaction) (*Card, error) {
	values, err := txn.pdolValues()
	if err != nil {
		return nil, err
	}
	cands, err := selectPPSE(ctx, t)
	if err != nil {
		return nil, err
	}
	var lastErr error
	for _, c := range cands {
		fci, err := selectApp(ctx, t, c.app.AID)
		if err == nil {
			s := &session{t: t, values: values, objs: map[Tag][]byte{}}
			return s.readApp(ctx, c, fci)
		}
		if !errors.As(err, new(*StatusError)) {
			return nil, err
		}
		lastErr = err // blocked or missing: try the next one
	}
	return nil, fmt.Errorf("%w: %w", ErrNoApplication, lastErr)
}

// selectApp selects aid and returns its FCI template's contents.
func selectApp(ctx context.Context, t Transceiver, aid []byte) ([]TLV, error) {
	r, err := Exchange(ctx, t, selectCmd(aid))
	if err != nil {
		return nil, fmt.Errorf("nfc: select AID %X: %w", aid, err)
	}
	tlvs, err := Parse(r.Data)
	if err != nil {
		return nil, fmt.Errorf("nfc: select AID %X: %w", aid, err)
	}
	fci := Find(tlvs, TagFCI)
	if fci == nil {
		return nil, fmt.Errorf("nfc: select AID %X: %w: no FCI template (6F)", aid, ErrBadResponse)
	}
	return fci.Children, nil
}

// session is the part of a read after SELECT AID.
type session struct {
	t      Transceiver
	values map[Tag][]byte // what the terminal answers to the PDOL
	objs   map[Tag][]byte // primitive objects of the GPO answer and records
	held   [][]byte       // answers that may hold the PAN, for wipe
}

// wipe zeroes the answers that may hold the PAN.
func (s *session) wipe() {
	for _, b := range s.held {
		clear(b)
	}
}

// exchange runs Exchange and holds the answer for wipe.
func (s *session) exchange(ctx context.Context, c Command) (Response, error) {
	r, err := Exchange(ctx, s.t, c)
	s.held = append(s.held, r.Data)
	return r, err
}

// readApp runs GPO and READ RECORD on the selected application c, then
// zeroes the answers.
func (s *session) readApp(ctx context.Context, c candidate, fci []TLV) (*Card, error) {
	defer s.wipe()
	afl, err := s.processingOptions(ctx, fci)
	if err != nil {
		return nil, err
	}
	if err := s.readRecords(ctx, afl); err != nil {
		return nil, err
	}
	label := valueText(fci, TagLabel)
	if label == "" {
		label = c.label
	}
	card, err := newCard(c.app, s.objs) // copies what it keeps before wipe
	if err != nil {
		return nil, fmt.Errorf("nfc: read %s: %w", c.app.Name(), err)
	}
	card.Label, card.PreferredName = label, valueText(fci, TagPreferredName)
	return card, nil
}

// processingOptions sends GET PROCESSING OPTIONS with the PDOL of fci
// filled in, collects the answer's objects and returns the AFL.
func (s *session) processingOptions(ctx context.Context, fci []TLV) ([]aflEntry, error) {
	var dol []DOLEntry
	if p := Find(fci, TagPDOL); p != nil {
		var err error
		if dol, err = ParseDOL(p.Value); err != nil {
			return nil, fmt.Errorf("nfc: PDOL: %w", err)
		}
	}
	if n := DOLSize(dol); n > maxPDOLData {
		return nil, fmt.Errorf("nfc: PDOL: %w: asks for %d bytes, at most %d", ErrBadResponse, n, maxPDOLData)
	}
	data := Encode([]TLV{{Tag: TagCommandData, Value: FillDOL(dol, s.values)}})
	r, err := s.exchange(ctx, Command{CLA: 0x80, INS: insGPO, Data: data, Le: 0})
	if err != nil {
		return nil, fmt.Errorf("nfc: get processing options: %w", err)
	}
	afl, err := parseGPO(r.Data, s.objs)
	if err != nil {
		return nil, fmt.Errorf("nfc: get processing options: %w", err)
	}
	return afl, nil
}

// parseGPO reads a format 1 (80: AIP, AFL) or format 2 (77: TLVs) answer.
func parseGPO(data []byte, objs map[Tag][]byte) ([]aflEntry, error) {
	tlvs, err := Parse(data)
	if err != nil {
		return nil, err
	}
	if len(tlvs) == 0 {
		return nil, fmt.Errorf("%w: empty answer", ErrBadResponse)
	}
	switch top := tlvs[0]; top.Tag {
	case TagRMTFormat1:
		if len(top.Value) < 2 {
			return nil, fmt.Errorf("%w: format 1 answer of %d bytes", ErrBadResponse, len(top.Value))
		}
		objs[TagAIP], objs[TagAFL] = top.Value[:2], top.Value[2:]
	case TagRMTFormat2:
		collect(top.Children, objs)
	default:
		return nil, fmt.Errorf("%w: answer template %s, want 80 or 77", ErrBadResponse, top.Tag)
	}
	if len(objs[TagAIP]) != 2 {
		return nil, fmt.Errorf("%w: AIP (82) of %d bytes", ErrBadResponse, len(objs[TagAIP]))
	}
	return parseAFL(objs[TagAFL])
}

// collect adds the primitive objects of tlvs, at any depth, to objs. The
// first occurrence of a tag wins.
func collect(tlvs []TLV, objs map[Tag][]byte) {
	for _, t := range tlvs {
		if t.Tag.Constructed() {
			collect(t.Children, objs)
		} else if _, seen := objs[t.Tag]; !seen {
			objs[t.Tag] = t.Value
		}
	}
}

// aflEntry is one 4-byte entry of the application file locator.
type aflEntry struct {
	sfi, first, last byte
}

// parseAFL decodes and checks an AFL (EMV Book 3 §10.2).
func parseAFL(b []byte) ([]aflEntry, error) {
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("%w: AFL of %d bytes, not a multiple of 4", ErrBadResponse, len(b))
	}
	var out []aflEntry
	total := 0
	for i := 0; i < len(b); i += 4 {
		e := aflEntry{sfi: b[i] >> 3, first: b[i+1], last: b[i+2]}
		if e.sfi < 1 || e.sfi > 30 || e.first < 1 || e.last < e.first || b[i+3] > e.last-e.first+1 {
			return nil, fmt.Errorf("%w: AFL entry %X", ErrBadResponse, b[i:i+4])
		}
		if total += int(e.last-e.first) + 1; total > maxRecords {
			return nil, fmt.Errorf("%w: AFL asks for more than %d records", ErrBadResponse, maxRecords)
		}
		out = append(out, e)
	}
	return out, nil
}

// readRecords reads every record the AFL names.
func (s *session) readRecords(ctx context.Context, afl []aflEntry) error {
	for _, e := range afl {
		for rec := int(e.first); rec <= int(e.last); rec++ {
			cmd := Command{INS: insReadRecord, P1: byte(rec), P2: e.sfi<<3 | 0x04, Le: 0}
			r, err := s.exchange(ctx, cmd)
			if err == nil {
				err = parseRecord(r.Data, s.objs)
			}
			if err != nil {
				return fmt.Errorf("nfc: read record %d of SFI %d: %w", rec, e.sfi, err)
			}
		}
	}
	return nil
}

// parseRecord reads a record template: 70 by the book, 77 from some cards.
func parseRecord(data []byte, objs map[Tag][]byte) error {
	tlvs, err := Parse(data)
	if err != nil {
		return err
	}
	if len(tlvs) == 0 || tlvs[0].Tag != TagRecord && tlvs[0].Tag != TagRMTFormat2 {
		return fmt.Errorf("%w: record is not a 70 template", ErrBadResponse)
	}
	collect(tlvs[0].Children, objs)
	return nil
}
