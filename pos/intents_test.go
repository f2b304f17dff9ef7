package pos

import (
	"slices"
	"testing"
	"time"

	"zhanggui/pos/money"
)

func TestDiscountIsGated(t *testing.T) {
	l := DefaultLimits() // 5 % free
	tests := []struct {
		base, off money.Fen
		want      bool
	}{
		{1000, 50, false}, {1000, 51, true}, {1000, 0, false}, {0, 1, true}, {money.MaxFen, money.MaxFen / 20, false},
	}
	for _, tt := range tests {
		if got := l.DiscountIsGated(tt.base, tt.off); got != tt.want {
			t.Errorf("DiscountIsGated(%v, %v) = %v, want %v", tt.base, tt.off, got, tt.want)
		}
	}
}

func TestRefundActions(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 12, 8, 2, 0, 0, 0, time.UTC) // 10:00 in Beijing
	today := now.Add(-time.Hour)
	yesterday := time.Date(2026, 12, 7, 15, 59, 0, 0, time.UTC) // 23:59 the day before, in Beijing
	l := DefaultLimits()
	tests := []struct {
		name string
		r    RefundIntent
		want []Action
	}{
		{"small, today", RefundIntent{Amount: 20000, SaleAt: today}, []Action{ActRefund}},
		{"large", RefundIntent{Amount: 20001, SaleAt: today}, []Action{ActRefund, ActRefundLarge}},
		{"small after earlier refunds", RefundIntent{Amount: 5000, Refunded: 15000, SaleAt: today}, []Action{ActRefund}},
		{"split large", RefundIntent{Amount: 5000, Refunded: 15001, SaleAt: today}, []Action{ActRefund, ActRefundLarge}},
		{"yesterday", RefundIntent{Amount: 100, SaleAt: yesterday}, []Action{ActRefund, ActRefundOld}},
		{"no receipt, other tender", RefundIntent{Amount: 100, SaleAt: today, NoReceipt: true, OtherTender: true},
			[]Action{ActRefund, ActRefundNoReceipt, ActRefundOther}},
	}
	for _, tt := range tests {
		if got := l.RefundActions(tt.r, now, loc); !slices.Equal(got, tt.want) {
			t.Errorf("%s: RefundActions = %v, want %v", tt.name, got, tt.want)
		}
	}
	l.RefundDays = 1
	if got := l.RefundActions(RefundIntent{Amount: 100, SaleAt: yesterday}, now, loc); !slices.Equal(got, []Action{ActRefund}) {
		t.Errorf("yesterday with RefundDays 1 = %v, want only refund", got)
	}
}

func TestRefundedCountsDoneAndPendingOfTheTender(t *testing.T) {
	s := &Sale{ID: "s1", Tenders: []Tender{{Kind: TenderCash, Amount: 30000}, {Kind: TenderCard, Amount: 500}}}
	prior := []Refund{
		{SaleID: "s1", Tender: 0, Amount: 10000, State: RefundDone},
		{SaleID: "s1", Tender: 0, Amount: 6000, State: RefundPending},
		{SaleID: "s1", Tender: 0, Amount: 9000, State: RefundFailed},
		{SaleID: "s1", Tender: 1, Amount: 500, State: RefundDone},
		{SaleID: "s2", Tender: 0, Amount: 700, State: RefundDone},
	}
	if got := Refunded(s, 0, prior); got != 16000 {
		t.Errorf("Refunded = %v, want 16000", got)
	}
	in := RefundIntent{Amount: 5000, Refunded: Refunded(s, 0, prior), SaleAt: time.Now()}
	if acts := DefaultLimits().RefundActions(in, time.Now(), time.UTC); !slices.Contains(acts, ActRefundLarge) {
		t.Errorf("160 refunded + 50 more = %v, want ActRefundLarge", acts)
	}
}
