package cardpay_test

import (
	"testing"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
	"zhanggui/sync/payments"
)

// A card sale is refunded like a wallet's, through the refund flow of
// sync/payments with the acquirer as the card payments' provider: part,
// then the rest, each with its own out_refund_no, booked back against the
// card receivable; the acquirer shows the payment refunded in full.
func TestCardSaleRefundedThroughTheAcquirer(t *testing.T) {
	e := newEnv(t)
	c := e.newCard("holder", int64(floor))
	e.reader.present(c.handle)
	out := e.charge(t, e.request(t, 1)) // ¥250, online
	if !out.Approved() || out.Sale == nil {
		t.Fatalf("Charge = %+v", out)
	}
	svc := &payments.Service{Store: e.db, RefundStore: e.db, Providers: map[pos.Provider]payments.Provider{pos.Card: e.acq},
		Now: e.svc.Now, NewID: newID}
	sale, err := e.db.Sale(ctx, out.Sale.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, amount := range []int64{100_00, 150_00} {
		r, err := svc.Refund(ctx, sale, 0, money.Fen(amount), "顾客退货")
		if err != nil || r.State != pos.RefundDone {
			t.Fatalf("refund of %d: %+v, %v", amount, r, err)
		}
	}
	if net, _ := e.net(out.Payment.ID); net != 0 {
		t.Errorf("the acquirer still holds %v of the card payment", net)
	}
	p, _ := e.db.Payment(ctx, out.Payment.ID)
	if p.State != pos.PayRefunded || p.Refunded != 250_00 {
		t.Errorf("payment %s, refunded %v; want refunded 250.00", p.State, p.Refunded)
	}
	if tb := e.balanced(t); tb[ledger.CardReceivable] != 0 {
		t.Errorf("card receivable %v after a full refund", tb[ledger.CardReceivable])
	}
	// A card payment in doubt is the card service's to reverse: the wallet
	// resolver, which may book a late success, leaves it alone.
	doubt, _ := pos.NewPayment(newID(), "s-doubt", pos.Card, pos.ModeCard, 500, e.svc.Now())
	doubt.State = pos.PayUnknown
	if err := e.db.SavePayment(ctx, doubt); err != nil {
		t.Fatal(err)
	}
	if got, err := svc.Resolve(ctx, doubt.ID); pos.ErrorCode(err) != pos.CodeConflict || got.State != pos.PayUnknown {
		t.Errorf("the wallet resolver took a card payment: %s, %v", got.State, err)
	}
}
