package pos_test

import (
	"errors"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
)

var piecesCases = []struct {
	in   string
	want int64
	ok   bool
}{
	{"", 0, true}, {" 12 ", 12, true}, {"０７", 7, true}, {"100000", 100000, true},
	{"-1", 0, false}, {"abc", 0, false}, {"1.5", 0, false}, {"100001", 0, false}, {"99999999999999999999", 0, false},
	{"1e3", 0, false}, {"+3", 0, false},
}

func TestParsePieces(t *testing.T) {
	for _, c := range piecesCases {
		got, err := pos.ParsePieces(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParsePieces(%q) = %d, %v; want %d, ok %v", c.in, got, err, c.want, c.ok)
		}
		if err != nil && !errors.Is(err, pos.ErrBadCount) {
			t.Errorf("ParsePieces(%q): %v is not ErrBadCount", c.in, err)
		}
	}
}

func FuzzParsePieces(f *testing.F) {
	for _, c := range piecesCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := pos.ParsePieces(s)
		if err == nil && (n < 0 || n > pos.MaxPieces) {
			t.Fatalf("ParsePieces(%q) = %d", s, n)
		}
		if err != nil && n != 0 {
			t.Fatalf("ParsePieces(%q) = %d with error %v", s, n, err)
		}
	})
}

func TestCountValidateTotal(t *testing.T) {
	c := pos.Count{10000: 2, 5000: 1, 50: 3, 10: 4}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if got, want := c.Total(), money.Fen(25190); got != want {
		t.Errorf("total %v, want %v", got, want)
	}
	for _, bad := range []pos.Count{{10000: -1}, {200: 1}, {10: pos.MaxPieces + 1}} {
		if err := bad.Validate(); !errors.Is(err, pos.ErrBadCount) {
			t.Errorf("%v: %v, want ErrBadCount", bad, err)
		}
	}
}

func TestExpected(t *testing.T) {
	f := pos.ShiftFigures{Float: 50000, PaidIn: 1000, PaidOut: 2500, Drops: 20000,
		ByTender: map[pos.TenderKind]pos.TenderFigures{
			pos.TenderCash:   {Sales: 12345, Refunds: 345},
			pos.TenderAlipay: {Sales: 99999},
		}}
	if got, want := f.Expected(), money.Fen(50000+12345-345+1000-2500-20000); got != want {
		t.Errorf("expected %v, want %v", got, want)
	}
	if got := f.Tenders(); len(got) != 2 || got[0] != pos.TenderCash || got[1] != pos.TenderAlipay {
		t.Errorf("tenders %v", got)
	}
}

func TestJudgeCount(t *testing.T) {
	cases := []struct {
		diff     money.Fen
		recounts int
		reason   string
		want     pos.CountVerdict
	}{
		{0, 0, "", pos.CountAccepted},
		{500, 0, "", pos.CountAccepted},
		{-500, 0, "", pos.CountAccepted},
		{501, 0, "", pos.CountRecount},
		{-501, 0, "reason", pos.CountRecount},
		{-501, 1, "", pos.CountNeedsReason},
		{-501, 1, "  ", pos.CountNeedsReason},
		{-501, 1, "找错零", pos.CountAccepted},
	}
	for _, c := range cases {
		if got := pos.JudgeCount(c.diff, 500, c.recounts, c.reason); got != c.want {
			t.Errorf("JudgeCount(%v, recounts %d, %q) = %v, want %v", c.diff, c.recounts, c.reason, got, c.want)
		}
	}
	if pos.CountRecount.Err() != pos.ErrRecountNeeded || pos.CountAccepted.Err() != nil {
		t.Error("verdict errors")
	}
}

func TestCashMoveEntries(t *testing.T) {
	at := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	for _, k := range pos.CashMoveKinds {
		m := pos.CashMove{ID: "m1", ShiftID: "s1", Kind: k, Amount: 1234, Reason: "找零", By: "店主", At: at}
		if err := m.Validate(); err != nil {
			t.Fatal(err)
		}
		e, err := m.Entry("e1")
		if err != nil {
			t.Fatal(err)
		}
		cash := ledger.Balances([]ledger.Entry{e})[ledger.Cash]
		want := money.Fen(1234)
		if k != pos.PaidIn {
			want = -1234
		}
		if cash != want {
			t.Errorf("%s moves cash by %v, want %v", k, cash, want)
		}
	}
	bad := []pos.CashMove{{ID: "m", Kind: pos.PaidIn, Amount: 0, Reason: "x", By: "a"},
		{ID: "m", Kind: pos.PaidIn, Amount: -5, Reason: "x", By: "a"},
		{ID: "m", Kind: pos.PaidIn, Amount: 5, Reason: " ", By: "a"},
		{ID: "m", Kind: "steal", Amount: 5, Reason: "x", By: "a"}}
	for _, m := range bad {
		if err := m.Validate(); !errors.Is(err, pos.ErrCashMove) {
			t.Errorf("%+v: %v", m, err)
		}
	}
}

func TestOverShortEntry(t *testing.T) {
	at := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	if _, ok, err := pos.OverShortEntry("e", "s", at, 0); ok || err != nil {
		t.Errorf("zero: ok %v, %v", ok, err)
	}
	for _, d := range []money.Fen{300, -700} {
		e, ok, err := pos.OverShortEntry("e", "s", at, d)
		if !ok || err != nil {
			t.Fatal(ok, err)
		}
		b := ledger.Balances([]ledger.Entry{e})
		if b[ledger.Cash] != d || b[ledger.CashOverShort] != -d {
			t.Errorf("%v: balances %v", d, b)
		}
	}
}
