package payments_test

import (
	"context"
	"testing"

	"zhanggui/pos"
	"zhanggui/storage"
)

// staleLook is the store as a resolver saw it a moment ago: the sale not
// yet saved and its cart still current. It stands for the race in which
// the cashier completes the cart in cash between the resolver's look and
// its save.
type staleLook struct {
	*storage.DB
	cart *pos.Cart
}

func (s staleLook) Sale(context.Context, string) (*pos.Sale, error) {
	return nil, pos.Errorf(pos.CodeNotFound, "test: not saved yet, as seen a moment ago")
}

func (s staleLook) CurrentCart(context.Context) (*pos.Cart, error) { return s.cart, nil }

// TestLateSuccessRacingTheCashSale: the resolver decided "the cart waits",
// but the cash sale was saved before it could record the payment. The
// payment is not recorded as paying a sale that no longer needs it: it is
// refunded, and the customer is charged once.
func TestLateSuccessRacingTheCashSale(t *testing.T) {
	l, _ := newLate(t)
	ctx := context.Background()
	c := l.cart(t)
	p := l.hiddenSuccess(t, c)
	total := c.Totals().Total
	cash, err := pos.CashTender(total, total)
	if err != nil {
		t.Fatal(err)
	}
	l.checkout(t, c, cash) // the cashier was faster
	l.svc.Sales = staleLook{DB: l.db, cart: c}
	got, err := l.svc.Resolve(ctx, p.ID)
	if err != nil || got.State != pos.PayRefunded {
		t.Fatalf("the late success racing the cash sale: %s, %v; want refunded", got.State, err)
	}
	if tr, _ := l.sim.Trade("alipay", p.ID); tr.Refunded != total {
		t.Errorf("the simulator refunded %v of %v", tr.Refunded, total)
	}
}
