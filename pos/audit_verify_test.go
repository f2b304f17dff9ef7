package pos

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var slipCases = []struct {
	in   string
	want AuditSlip
	ok   bool
}{
	{"1234:9f3a61c0", AuditSlip{1234, "9f3a61c0"}, true},
	{" 7 : 9F3A61C0DE ", AuditSlip{7, "9f3a61c0de"}, true},
	{"1:" + strings.Repeat("a", 64), AuditSlip{1, strings.Repeat("a", 64)}, true},
	{"1234:9f3a61c", AuditSlip{}, false},                 // 7 digits: too few
	{"1:" + strings.Repeat("a", 65), AuditSlip{}, false}, // longer than a hash
	{"0:9f3a61c0", AuditSlip{}, false},
	{"-3:9f3a61c0", AuditSlip{}, false},
	{"12349f3a61c0", AuditSlip{}, false},
	{"abc:9f3a61c0", AuditSlip{}, false},
	{"12:9f3a61cg", AuditSlip{}, false},
	{"", AuditSlip{}, false},
}

func TestParseAuditSlip(t *testing.T) {
	for _, c := range slipCases {
		got, err := ParseAuditSlip(c.in)
		if c.ok && (err != nil || got != c.want) {
			t.Errorf("ParseAuditSlip(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
		if !c.ok && !errors.Is(err, ErrAuditSlip) {
			t.Errorf("ParseAuditSlip(%q) = %+v, %v; want ErrAuditSlip", c.in, got, err)
		}
	}
}

func FuzzParseAuditSlip(f *testing.F) {
	for _, c := range slipCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseAuditSlip(s)
		if err != nil {
			if !errors.Is(err, ErrAuditSlip) {
				t.Fatalf("%q: %v is not ErrAuditSlip", s, err)
			}
			return
		}
		again, err := ParseAuditSlip(got.String()) // what a slip prints reads back the same
		if err != nil || again != got || got.Seq < 1 || len(got.Prefix) < AuditSlipMinDigits {
			t.Fatalf("%q: %+v, then %+v, %v", s, got, again, err)
		}
	})
}

// The encoding the hashes cover is fixed: a change would break every
// chain already written.
func TestCanonicalIsFixed(t *testing.T) {
	e := AuditEvent{Seq: 42, At: time.Date(2026, 12, 8, 1, 2, 3, 4, time.FixedZone("CST", 8*3600)),
		Till: "01-01", Actor: "店主", Kind: AuditSale, Subject: "s1", Data: `{"a":1}`}
	want := "zg-audit-1\n2:42\n30:2026-12-07T17:02:03.000000004Z\n5:01-01\n6:店主\n0:\n4:sale\n2:s1\n7:{\"a\":1}\n"
	if got := string(e.Canonical()); got != want {
		t.Errorf("Canonical =\n%q\nwant\n%q", got, want)
	}
	if a, b := ChainHash(GenesisHash(), e), ChainHash(GenesisHash(), e); string(a) != string(b) || len(a) != AuditHashSize {
		t.Error("ChainHash is not a function of its input")
	}
}

func TestSlipOfMatches(t *testing.T) {
	h := ChainHash(GenesisHash(), AuditEvent{Seq: 1, Kind: AuditLogin})
	s := SlipOf(1, h)
	if len(s.Prefix) != 12 || !s.Matches(h) || s.Matches(GenesisHash()) {
		t.Errorf("slip %s of %x", s, h)
	}
}
