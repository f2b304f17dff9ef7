package reconcile_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"zhanggui/pos"
)

// TestLateSuccessRefundedReconciles: a payment whose answer was lost, found
// paid after the sale was settled in cash and refunded automatically by
// the payment service, is no difference for the accountant: its payment
// went back like a reversal and its LR refund matches the till's.
func TestLateSuccessRefundedReconciles(t *testing.T) {
	s := newShop(t)
	s.svc.Sales = s.db
	s.env.Clock.Set(at(0, 10, 0, 0))
	cart := &pos.Cart{ID: s.newID()}
	if err := cart.Add(pos.Product{Barcode: "2000000000015", Name: "测试商品", Unit: "个", Price: 700, Active: true}, pos.OnePiece); err != nil {
		t.Fatal(err)
	}
	// The till sent the payment and lost the answer: unknown on its side,
	// charged at Alipay.
	p, err := pos.NewPayment(s.newID(), cart.ID, pos.Alipay, pos.ModeCode, 700, s.tillNow())
	if err != nil {
		t.Fatal(err)
	}
	p.State = pos.PayUnknown
	if err := s.db.SavePayment(ctx, p); err != nil {
		t.Fatal(err)
	}
	res, err := s.env.Alipay.Pay(ctx, pos.PayRequest{OutTradeNo: p.ID, AuthCode: s.env.Code(pos.Alipay, "u1"), Amount: 700, Subject: "t"})
	if err != nil || res.Status != pos.StatusSuccess {
		t.Fatalf("charge: %+v, %v", res, err)
	}
	// The cashier took cash; later the sweeper finds the wallet paid.
	td, _ := pos.CashTender(700, 700)
	s.save("CASH", cart, pos.Checkout{Tenders: []pos.Tender{td}})
	got, err := s.svc.Resolve(ctx, p.ID)
	if err != nil || got.State != pos.PayRefunded {
		t.Fatalf("the late success: %s, %v; want refunded", got.State, err)
	}
	s.ids["LATE"], s.ids["LR"] = p.ID, pos.LateRefundNo(p.ID)

	s.run(at(1, 11, 0, 0), "--date", "2026-11-25")
	want := []outcome{
		{"alipay", "payment", "LATE", "reversed", 700, 700},
		{"alipay", "refund", "LR", "matched", 700, 700},
	}
	if diff := cmp.Diff(want, s.outcomes(s.stored(day))); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
}
