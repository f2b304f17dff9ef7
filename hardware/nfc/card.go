package nfc

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// CryptogramType is what the card decided in GET PROCESSING OPTIONS, from
// bits 8-7 of the cryptogram information data (9F27).
type CryptogramType uint8

// The card's decisions. NoCryptogram is the zero value: the card returned
// no 9F27 (a format 1 GPO answer; the kernel would GENERATE AC next).
const (
	NoCryptogram CryptogramType = iota
	AAC                         // application authentication cryptogram: declined offline
	TC                          // transaction certificate: approved offline
	ARQC                        // authorisation request cryptogram: go online
)

// String is the EMV abbreviation.
func (c CryptogramType) String() string {
	switch c {
	case AAC:
		return "AAC"
	case TC:
		return "TC"
	case ARQC:
		return "ARQC"
	default:
		return "none"
	}
}

// cryptogramTypeOf decodes a CID byte; 11 (RFU) counts as AAC, the safe side.
func cryptogramTypeOf(cid byte) CryptogramType {
	switch cid & 0xC0 {
	case 0x40:
		return TC
	case 0x80:
		return ARQC
	default:
		return AAC
	}
}

// YearMonth is a card's expiry month.
type YearMonth struct {
	Year  int // four digits
	Month time.Month
}

// String is "2028-12", or "" for the zero value.
func (ym YearMonth) String() string {
	if ym.Year == 0 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d", ym.Year, int(ym.Month))
}

// Expired reports whether the month ended before now.
func (ym YearMonth) Expired(now time.Time) bool {
	y, m, _ := now.Date()
	return y > ym.Year || y == ym.Year && m > ym.Month
}

// ErrWiped is returned by Token for a card whose PAN Wipe has erased.
var ErrWiped = errors.New("nfc: card data already wiped")

// minTokenKey is the shortest key Token accepts. Once the first 6 and last 4
// digits are known, a 16-digit PAN has only about 10^5 candidates, so the
// token's secrecy rests entirely on the key.
const minTokenKey = 16

// Card is what ReadCard learned from a payment card. The PAN is kept only in
// memory, out of reach of fmt and encoding/json: every format verb prints
// String, which shows it masked. Track 2 is not kept at all: ReadCard zeroes
// the answers that carried it.
type Card struct {
	Application                   // AID, scheme, product, Chinese name
	Label          string         // 50, application label
	PreferredName  string         // 9F12, application preferred name
	Expiry         YearMonth      // 5F24, or from track 2
	PSN            int            // 5F34 PAN sequence number; -1 when absent
	AIP            []byte         // 82, application interchange profile
	Cryptogram     []byte         // 9F26
	CID            byte           // 9F27 as read
	CryptogramType CryptogramType // decoded from CID
	ATC            uint16         // 9F36, application transaction counter
	IAD            []byte         // 9F10, issuer application data
	masked         string         // first 6 / last 4
	secret         *cardSecret    // behind a pointer: fmt prints nested pointers as addresses
}

// cardSecret holds what must never be printed, logged or stored. Copies of a
// Card share it, so Wipe on one wipes them all.
type cardSecret struct {
	pan []byte // ASCII digits
}

// Masked returns the PAN with all but the first 6 and last 4 digits replaced
// by '*': "622202*********6789". It still works after Wipe.
func (c *Card) Masked() string { return c.masked }

// Token returns a keyed token of the PAN, HMAC-SHA256 under key in hex, to
// recognise the card again without storing its number. The key must be at
// least 16 bytes and stay secret; the token fails with ErrWiped after Wipe.
func (c *Card) Token(key []byte) (string, error) {
	if len(key) < minTokenKey {
		return "", fmt.Errorf("nfc: token key of %d bytes, at least %d", len(key), minTokenKey)
	}
	if c.secret == nil || c.secret.pan == nil {
		return "", ErrWiped
	}
	m := hmac.New(sha256.New, key)
	m.Write(c.secret.pan) // a hash.Hash never fails to write
	return hex.EncodeToString(m.Sum(nil)), nil
}

// Wipe zeroes the PAN in memory, for this Card and its copies. Masked keeps
// working.
func (c *Card) Wipe() {
	if c.secret == nil {
		return
	}
	clear(c.secret.pan)
	c.secret.pan = nil
}

// String is a one-line summary safe for logs:
// "UnionPay Debit 622202*********6789 exp 2028-12 ARQC".
func (c Card) String() string {
	parts := []string{c.Name(), c.masked}
	if s := c.Expiry.String(); s != "" {
		parts = append(parts, "exp "+s)
	}
	if c.CryptogramType != NoCryptogram {
		parts = append(parts, c.CryptogramType.String())
	}
	return strings.Join(parts, " ")
}

// Format prints String for every verb (%v, %+v, %#v, %s, %q, %x...), so no
// verb can reach the PAN.
func (c Card) Format(f fmt.State, verb rune) {
	s := c.String()
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = io.WriteString(f, s) // Format cannot report errors; fmt records them itself
}

// maskPAN keeps the first 6 and last 4 digits (PCI DSS 3.4.1); a PAN too
// short for that keeps only its last 4.
func maskPAN(pan []byte) string {
	n := len(pan)
	switch {
	case n >= 13:
		return string(pan[:6]) + strings.Repeat("*", n-10) + string(pan[n-4:])
	case n > 4:
		return strings.Repeat("*", n-4) + string(pan[n-4:])
	default:
		return strings.Repeat("*", n)
	}
}
