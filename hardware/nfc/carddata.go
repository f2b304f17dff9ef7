package nfc

import (
	"bytes"
	"fmt"
	"time"
)

// newCard builds a Card from the objects of the GPO answer and the records.
// It copies what it keeps: the caller zeroes the buffers objs points into.
func newCard(app Application, objs map[Tag][]byte) (*Card, error) {
	pan, err := panOf(objs)
	if err != nil {
		return nil, err
	}
	expiry, err := expiryOf(objs)
	if err != nil {
		return nil, err
	}
	c := &Card{
		Application: app,
		Expiry:      expiry,
		PSN:         psnOf(objs[TagPSN]),
		AIP:         bytes.Clone(objs[TagAIP]),
		Cryptogram:  bytes.Clone(objs[TagCryptogram]),
		IAD:         bytes.Clone(objs[TagIAD]),
		masked:      maskPAN(pan),
		secret:      &cardSecret{pan: pan},
	}
	if cid, ok := objs[TagCID]; ok && len(cid) == 1 {
		c.CID, c.CryptogramType = cid[0], cryptogramTypeOf(cid[0])
	}
	if atc := objs[TagATC]; len(atc) == 2 {
		c.ATC = uint16(atc[0])<<8 | uint16(atc[1])
	}
	return c, nil
}

// panOf returns the PAN as ASCII digits from 5A, or else from track 2 (57).
// Errors never show the digits.
func panOf(objs map[Tag][]byte) ([]byte, error) {
	var pan []byte
	if v, ok := objs[TagPAN]; ok {
		pan = bytes.TrimRight(nibbles(v), "F") // cn: padded with F
	} else if v, ok := objs[TagTrack2]; ok {
		t2 := nibbles(v)
		before, _, _ := bytes.Cut(t2, []byte("D"))
		pan = bytes.Clone(before)
		clear(t2)
	} else {
		return nil, fmt.Errorf("%w: no PAN (5A) nor track 2 (57)", ErrBadResponse)
	}
	if len(pan) < 12 || len(pan) > 19 || !digits(pan) {
		clear(pan)
		return nil, fmt.Errorf("%w: PAN of %d characters is not 12-19 digits", ErrBadResponse, len(pan))
	}
	return pan, nil
}

// expiryOf reads 5F24 (YYMMDD), or else the YYMM after the separator of
// track 2. A card with neither has a zero expiry.
func expiryOf(objs map[Tag][]byte) (YearMonth, error) {
	var yymm []byte
	if v, ok := objs[TagExpiry]; ok {
		yymm = nibbles(v)
	} else if v, ok := objs[TagTrack2]; ok {
		t2 := nibbles(v)
		defer clear(t2)
		_, yymm, _ = bytes.Cut(t2, []byte("D"))
	} else {
		return YearMonth{}, nil
	}
	if len(yymm) < 4 || !digits(yymm[:4]) {
		return YearMonth{}, fmt.Errorf("%w: expiry is not YYMM", ErrBadResponse)
	}
	y := int(yymm[0]-'0')*10 + int(yymm[1]-'0')
	m := int(yymm[2]-'0')*10 + int(yymm[3]-'0')
	if m < 1 || m > 12 {
		return YearMonth{}, fmt.Errorf("%w: expiry month %d", ErrBadResponse, m)
	}
	return YearMonth{Year: 2000 + y, Month: time.Month(m)}, nil
}

// psnOf decodes the one-byte BCD PAN sequence number, -1 when absent or bad.
func psnOf(v []byte) int {
	if len(v) != 1 || v[0]>>4 > 9 || v[0]&0x0F > 9 {
		return -1
	}
	return int(v[0]>>4)*10 + int(v[0]&0x0F)
}

// nibbles spells b as upper-case hex digits, one byte per nibble.
func nibbles(b []byte) []byte {
	const hexDigits = "0123456789ABCDEF"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, hexDigits[c>>4], hexDigits[c&0x0F])
	}
	return out
}

// digits reports whether b is all ASCII digits.
func digits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
