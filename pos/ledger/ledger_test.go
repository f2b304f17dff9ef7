package ledger_test

import (
	"errors"
	"testing"
	"time"

	"zhanggui/pos/ledger"
)

func TestValidate(t *testing.T) {
	at := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		ps   []ledger.Posting
		want error
	}{
		{"balanced", []ledger.Posting{ledger.Debit(ledger.Cash, 100), ledger.Credit(ledger.Revenue, 100)}, nil},
		{"unbalanced", []ledger.Posting{ledger.Debit(ledger.Cash, 100), ledger.Credit(ledger.Revenue, 99)}, ledger.ErrUnbalanced},
		{"one posting", []ledger.Posting{ledger.Debit(ledger.Cash, 0)}, ledger.ErrUnbalanced},
		{"both sides", []ledger.Posting{{Account: ledger.Cash, Debit: 1, Credit: 1}, ledger.Credit(ledger.Revenue, 0)}, ledger.ErrBadPosting},
		{"negative", []ledger.Posting{ledger.Debit(ledger.Cash, -5), ledger.Credit(ledger.Revenue, -5)}, ledger.ErrBadPosting},
		{"zero", []ledger.Posting{ledger.Debit(ledger.Cash, 0), ledger.Credit(ledger.Revenue, 0)}, ledger.ErrBadPosting},
	}
	for _, tt := range tests {
		err := ledger.Entry{ID: "e1", At: at, Postings: tt.ps}.Validate()
		if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("%s: Validate() = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestBuilderAndReverse(t *testing.T) {
	var b ledger.Builder
	b.Debit(ledger.Cash, 700)
	b.Debit(ledger.Cash, 300)
	b.Debit(ledger.Discounts, 0)
	b.Credit(ledger.Revenue, 1000)
	e, err := b.Entry("e1", time.Now(), "sale1", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Postings) != 2 || e.Postings[0].Debit != 1000 || e.Total() != 1000 {
		t.Fatalf("postings = %+v", e.Postings)
	}
	r := e.Reverse("e2", time.Now())
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	bal := ledger.Balances([]ledger.Entry{e, r})
	for a, f := range bal {
		if f != 0 {
			t.Errorf("after reversal %s = %v", a, f)
		}
	}
}
