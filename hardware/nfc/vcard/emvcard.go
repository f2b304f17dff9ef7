package vcard

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// EMVCard is a contactless payment card: a PPSE listing its application,
// the application's FCI with a PDOL, a GET PROCESSING OPTIONS that answers
// with a cryptogram (qPBOC / qVSDC) or in format 1, and its records. Set the
// fields, then use Handle as the Handler. It serves one reader at a time.
type EMVCard struct {
	AID           string // hex
	Label         string // 50
	PreferredName string // 9F12; "" for none
	Directory     []DirEntry
	PDOL          string // hex tag-length list, "" for none
	PAN           string
	Expiry        string // YYMMDD
	ServiceCode   string // 3 digits of track 2
	PSN           int    // 5F34; -1 for none
	// PANInRecord adds a second record with 5A, 5F24 and 5F34 besides the
	// track 2 of the first; without it, track 2 is all the card tells.
	PANInRecord bool
	SFI         int    // the records' short file identifier, 1..30
	AIP         string // hex, 2 bytes
	// FloorFen: a GPO for less than this many fen gets a TC (offline
	// approval), any other an ARQC (go online). 0 means always ARQC.
	FloorFen int64
	// Format1 answers GPO with 80 (AIP, AFL) and no cryptogram.
	Format1 bool
	// ChunkSize > 0 answers SELECT AID with 61xx and hands its FCI out in
	// GET RESPONSE chunks of this many bytes, as a T=0 card does.
	ChunkSize int
	// ExactLe answers READ RECORD with 6Cxx unless Le is the record's
	// length, as a T=0 card does.
	ExactLe bool
	UID     []byte // answered to FF CA
	Key     []byte // the card's cryptogram key

	// State, for tests to read once the card is done (after Remove or
	// Gone, or in memory after the read).
	ATC     uint16            // incremented by every GPO
	LastGPO map[string][]byte // PDOL values of the last GPO by tag hex ("9F02")
	pending []byte            // FCI bytes not yet fetched by GET RESPONSE
}

// DirEntry is an application listed in the PPSE.
type DirEntry struct {
	AID      string // hex
	Label    string
	Priority byte // 87; 0 for none
}

// Handle answers one APDU; it is the card's Handler.
func (c *EMVCard) Handle(apdu []byte) []byte {
	cmd, ok := parseCommand(apdu)
	if !ok {
		return reply(nil, swWrongLength)
	}
	if cmd.ins != 0xC0 {
		c.pending = nil
	}
	switch {
	case cmd.cla == 0xFF && cmd.ins == 0xCA:
		return reply(c.UID, swOK)
	case cmd.ins == 0xA4 && cmd.p1 == 0x04:
		return c.selectFile(cmd.data)
	case cmd.cla == 0x80 && cmd.ins == 0xA8:
		return c.gpo(cmd.data)
	case cmd.ins == 0xB2:
		return c.readRecord(cmd)
	case cmd.ins == 0xC0:
		return c.getResponse(cmd.le)
	default:
		return reply(nil, swINSNotSupported)
	}
}

// selectFile answers SELECT by name: the PPSE or the application.
func (c *EMVCard) selectFile(name []byte) []byte {
	switch {
	case string(name) == "2PAY.SYS.DDF01":
		return reply(c.ppse(), swOK)
	case bytes.Equal(name, mustHex(c.AID)):
		fci := c.fci()
		if c.ChunkSize > 0 {
			c.pending = fci
			return reply(nil, 0x6100|uint16(min(len(fci), c.ChunkSize)))
		}
		return reply(fci, swOK)
	default:
		return reply(nil, swFileNotFound)
	}
}

// ppse is the FCI of the PPSE, listing the directory.
func (c *EMVCard) ppse() []byte {
	var entries []byte
	for _, e := range c.Directory {
		parts := [][]byte{tlv("4F", mustHex(e.AID)), tlv("50", []byte(e.Label))}
		if e.Priority != 0 {
			parts = append(parts, tlv("87", []byte{e.Priority}))
		}
		entries = append(entries, tlv("61", parts...)...)
	}
	return tlv("6F", tlv("84", []byte("2PAY.SYS.DDF01")), tlv("A5", tlv("BF0C", entries)))
}

// fci is the FCI of the application.
func (c *EMVCard) fci() []byte {
	prop := [][]byte{tlv("50", []byte(c.Label)), tlv("87", []byte{0x01})}
	if c.PDOL != "" {
		prop = append(prop, tlv("9F38", mustHex(c.PDOL)))
	}
	prop = append(prop, tlv("5F2D", []byte("zhen")))
	if c.PreferredName != "" {
		prop = append(prop, tlv("9F11", []byte{0x01}), tlv("9F12", []byte(c.PreferredName)))
	}
	prop = append(prop, tlv("BF0C", tlv("9F4D", []byte{0x0B, 0x0A})))
	return tlv("6F", tlv("84", mustHex(c.AID)), tlv("A5", prop...))
}

// getResponse hands out the next chunk of a pending answer.
func (c *EMVCard) getResponse(le int) []byte {
	if len(c.pending) == 0 {
		return reply(nil, swConditions)
	}
	if le < 1 {
		return reply(nil, swWrongLength)
	}
	n := min(le, c.ChunkSize, len(c.pending))
	chunk := c.pending[:n]
	c.pending = c.pending[n:]
	if len(c.pending) > 0 {
		return reply(chunk, 0x6100|uint16(min(len(c.pending), c.ChunkSize, 256)&0xFF))
	}
	return reply(chunk, swOK)
}

// gpo answers GET PROCESSING OPTIONS: it checks the PDOL data, counts the
// transaction and decides TC or ARQC from the amount.
func (c *EMVCard) gpo(data []byte) []byte {
	values, ok := c.pdolValues(data)
	if !ok {
		return reply(nil, swWrongLength)
	}
	c.ATC++
	c.LastGPO = values
	afl := c.afl()
	if c.Format1 {
		return reply(tlv("80", mustHex(c.AIP), afl), swOK)
	}
	cid := byte(0x80) // ARQC
	if amount, ok := bcdValue(values["9F02"]); ok && amount < c.FloorFen {
		cid = 0x40 // TC
	}
	atc := []byte{byte(c.ATC >> 8), byte(c.ATC)}
	return reply(tlv("77",
		tlv("82", mustHex(c.AIP)),
		tlv("94", afl),
		tlv("9F36", atc),
		tlv("9F26", c.cryptogram(data, atc, cid)),
		tlv("9F27", []byte{cid}),
		tlv("9F10", mustHex("07010103A0A8010A0100000000000000")),
	), swOK)
}

// pdolValues splits the 83 template of a GPO by the card's PDOL.
func (c *EMVCard) pdolValues(data []byte) (map[string][]byte, bool) {
	if len(data) < 2 || data[0] != 0x83 || int(data[1]) != len(data)-2 {
		return nil, false
	}
	values, rest := map[string][]byte{}, data[2:]
	dol := mustHex(c.PDOL)
	for i := 0; i < len(dol); {
		n := 1
		if dol[i]&0x1F == 0x1F {
			n = 2
		}
		tag, size := strings.ToUpper(hex.EncodeToString(dol[i:i+n])), int(dol[i+n])
		if len(rest) < size {
			return nil, false
		}
		values[tag], rest = bytes.Clone(rest[:size]), rest[size:]
		i += n + 1
	}
	return values, len(rest) == 0
}

// cryptogram is the card's application cryptogram: 8 bytes of an HMAC of
// the PDOL data, the ATC and the CID under the card's key.
func (c *EMVCard) cryptogram(data, atc []byte, cid byte) []byte {
	m := hmac.New(sha256.New, c.Key)
	m.Write(data)
	m.Write(atc)
	m.Write([]byte{cid})
	return m.Sum(nil)[:8]
}

// afl names the records: SFI, first, last, none for offline authentication.
func (c *EMVCard) afl() []byte {
	return []byte{byte(c.SFI << 3), 1, byte(len(c.records())), 0}
}

// records builds the card's records from its fields.
func (c *EMVCard) records() [][]byte {
	first := [][]byte{tlv("57", c.track2())}
	if !c.PANInRecord {
		if c.PSN >= 0 {
			first = append(first, tlv("5F34", cn(fmt.Sprintf("%02d", c.PSN))))
		}
		return [][]byte{tlv("70", first...)}
	}
	second := [][]byte{tlv("5A", cn(c.PAN)), tlv("5F24", cn(c.Expiry)), tlv("5F28", mustHex("0156"))}
	if c.PSN >= 0 {
		second = append(second, tlv("5F34", cn(fmt.Sprintf("%02d", c.PSN))))
	}
	second = append(second, tlv("9F07", mustHex("FF00")))
	return [][]byte{tlv("70", first...), tlv("70", second...)}
}

// readRecord answers READ RECORD P1 (record) P2 (SFI<<3 | 4).
func (c *EMVCard) readRecord(cmd command) []byte {
	if cmd.p2&0x07 != 0x04 {
		return reply(nil, swWrongP1P2)
	}
	recs := c.records()
	if int(cmd.p2>>3) != c.SFI || cmd.p1 < 1 || int(cmd.p1) > len(recs) {
		return reply(nil, swRecordNotFound)
	}
	rec := recs[cmd.p1-1]
	if c.ExactLe && cmd.le != len(rec) {
		return reply(nil, 0x6C00|uint16(len(rec)&0xFF))
	}
	return reply(rec, swOK)
}

// track2 is the track 2 equivalent data (57): PAN, D, YYMM, service code,
// discretionary data, F-padded.
func (c *EMVCard) track2() []byte {
	return cn(c.PAN + "D" + c.Expiry[:4] + c.ServiceCode + "0000000000")
}

// bcdValue reads packed BCD digits as a number.
func bcdValue(b []byte) (int64, bool) {
	n, err := strconv.ParseInt(hex.EncodeToString(b), 10, 64)
	return n, err == nil
}
