package payments_test

import (
	"context"
	"errors"
	"testing"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
)

// An Alipay sale refunded in cash, then the rest through Alipay: the
// provider refunds only its part, the drawer pays the other, the payment
// counts only what Alipay gave back, and the books balance.
func TestRefundInCashThenRestByProvider(t *testing.T) {
	l := newLive(t)
	ctx := context.Background()
	s, p := l.paidSale(t)
	r1, err := l.svc.RefundInCash(ctx, s, 0, 100, "顾客要现金")
	if err != nil || r1.State != pos.RefundDone || r1.Kind != pos.TenderCash || r1.PaymentID != "" {
		t.Fatalf("cash refund %+v, %v", r1, err)
	}
	if got := l.refunded(p.ID); got != 0 {
		t.Fatalf("the provider refunded %v for a cash refund", got)
	}
	if got, _ := l.db.Payment(ctx, p.ID); got.State != pos.PaySucceeded || got.Refunded != 0 {
		t.Errorf("payment after the cash refund %+v", got)
	}
	if _, err := l.svc.Refund(ctx, s, 0, s.Total, "再退全部"); !errors.Is(err, pos.ErrOverRefund) {
		t.Errorf("refund past what the cash refund left: %v", err)
	}
	r2, err := l.svc.Refund(ctx, s, 0, s.Total-100, "退货")
	if err != nil || r2.State != pos.RefundDone {
		t.Fatalf("rest refund %+v, %v", r2, err)
	}
	if got := l.refunded(p.ID); got != s.Total-100 {
		t.Errorf("the provider refunded %v, want %v", got, s.Total-100)
	}
	got, _ := l.db.Payment(ctx, p.ID)
	if got.Refunded != s.Total-100 || got.State == pos.PayRefunded {
		t.Errorf("payment after both %+v: Alipay gave back only its part", got)
	}
	bal, _ := l.db.TrialBalance(ctx)
	if bal[ledger.Cash] != -100 || bal[ledger.AlipayClearing] != 100 || bal[ledger.Refunds] != s.Total {
		t.Errorf("ledger %v", bal)
	}
}
