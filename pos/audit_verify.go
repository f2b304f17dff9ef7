package pos

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AuditSlip is a chain head as a printed slip (交班单) shows it: a sequence
// number and the first hex digits of that event's hash. A log cut short
// after the slip was printed, or rewritten before it, no longer matches.
type AuditSlip struct {
	Seq    int64
	Prefix string // lower-case hex digits, at least AuditSlipMinDigits
}

// AuditSlipMinDigits is the fewest hex digits a slip check accepts: 8
// digits (32 bits) make a forged head that matches by luck hopeless.
const AuditSlipMinDigits = 8

// ErrAuditSlip refuses a slip head that is not SEQ:HEX.
var ErrAuditSlip = Errorf(CodeInvalid, "pos: a slip head is SEQ:HEX, e.g. 1234:9f3a61c0 (at least 8 hex digits)")

// ParseAuditSlip reads "SEQ:HEX" as typed from a slip; spaces around either
// part and upper-case digits are accepted.
func ParseAuditSlip(s string) (AuditSlip, error) {
	num, digits, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return AuditSlip{}, fmt.Errorf("%q: %w", s, ErrAuditSlip)
	}
	seq, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
	if err != nil || seq < 1 {
		return AuditSlip{}, fmt.Errorf("%q: %w", s, ErrAuditSlip)
	}
	digits = strings.ToLower(strings.TrimSpace(digits))
	if len(digits) < AuditSlipMinDigits || len(digits) > 2*AuditHashSize {
		return AuditSlip{}, fmt.Errorf("%q: %w", s, ErrAuditSlip)
	}
	for _, c := range digits {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return AuditSlip{}, fmt.Errorf("%q: %w", s, ErrAuditSlip)
		}
	}
	return AuditSlip{Seq: seq, Prefix: digits}, nil
}

// String is the slip's text, as printed: SEQ:HEX.
func (s AuditSlip) String() string { return strconv.FormatInt(s.Seq, 10) + ":" + s.Prefix }

// Matches tells whether an event's hash begins with the slip's digits.
func (s AuditSlip) Matches(hash []byte) bool {
	return strings.HasPrefix(hex.EncodeToString(hash), s.Prefix)
}

// SlipOf is the slip a 交班单 prints for the head (seq, hash): 12 digits.
func SlipOf(seq int64, hash []byte) AuditSlip {
	h := hex.EncodeToString(hash)
	return AuditSlip{Seq: seq, Prefix: h[:min(12, len(h))]}
}

// IsClosure tells whether events of kind k are closures: signed with the
// till's key when written, and refused by verify when unsigned.
func (k AuditKind) IsClosure() bool { return k == AuditShiftClose || k == AuditZReport }

// ClosureMessage is what a closure's signature covers: its seq and hash,
// and so the whole chain up to it.
func ClosureMessage(seq int64, hash []byte) []byte {
	b := []byte("zg-audit-closure-1\n" + strconv.FormatInt(seq, 10) + "\n")
	return append(b, hash...)
}

// AuditVerification is what `audit verify` found: how many events it read,
// the head it reached, the closures and slips it checked, and the first
// break (nil when the chain is whole).
type AuditVerification struct {
	From       int64
	Checked    int64
	HeadSeq    int64
	HeadHash   []byte
	Signatures int // closure signatures checked
	Slips      int // slip heads checked
	Break      *AuditBreak
}

// OK tells whether nothing was broken.
func (v AuditVerification) OK() bool { return v.Break == nil }

// AuditFilter picks events for the owner's audit screen: by who (a part of
// the actor's name), what (a kind; "" for all) and when ([From, To), zero
// for open), newest first, at most Limit (0: 500).
type AuditFilter struct {
	Actor    string
	Kind     AuditKind
	From, To time.Time
	Limit    int
}
