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
