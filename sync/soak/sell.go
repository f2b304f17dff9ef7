package soak

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/sync/outbox"
)

// Lanes is how many cashiers sell at once: one till's core serving several
// counters, so a QR waiting for its customer does not stop the others, and
// the service's guards against two flows deciding one payment are tested.
const Lanes = 4

// Sell runs the cashiers until ctx ends: sale after sale, now and then a
// refund. It returns only a failure of the till itself (the database),
// never a payment's outcome.
func (t *Till) Sell(ctx context.Context) error {
	errs := make(chan error, Lanes)
	for i := range Lanes {
		l := &lane{t: t, rnd: rand.New(rand.NewPCG(t.cfg.Seed, uint64(100+i)))}
		go func() { errs <- l.run(ctx) }()
	}
	var first error
	for range Lanes {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// lane is one cashier.
type lane struct {
	t   *Till
	rnd *rand.Rand
}

func (l *lane) run(ctx context.Context) error {
	for ctx.Err() == nil {
		// The cashier scans the goods: without this pause, cash sales
		// (milliseconds each) would crowd out every other kind whenever the
		// link is down.
		time.Sleep(time.Duration(10+l.rnd.IntN(40)) * time.Millisecond)
		var err error
		l.t.counter.RLock() // a shift close waits for the sale in hand
		if l.rnd.Float64() < l.t.cfg.Refunds {
			err = l.refund(ctx)
		} else {
			err = l.sell(ctx)
		}
		l.t.counter.RUnlock()
		if err != nil && ctx.Err() == nil {
			return err
		}
	}
	return nil
}

// tender is how the customer means to pay.
type tender struct {
	provider pos.Provider // "" for cash
	mode     pos.PaymentMode
	split    bool // the payment covers half; cash the rest
}

// choose picks a tender: a third cash, half payment codes, the rest QR.
func (l *lane) choose() tender {
	providers := []pos.Provider{pos.Alipay, pos.Wechat, pos.UnionPay}
	switch r := l.rnd.Float64(); {
	case r < 0.3:
		return tender{}
	case r < 0.8:
		return tender{provider: providers[l.rnd.IntN(3)], mode: pos.ModeCode, split: l.rnd.IntN(10) == 0}
	default:
		return tender{provider: providers[l.rnd.IntN(2)], mode: pos.ModeQR}
	}
}

// sell rings up one cart and takes its payment. Every cart is saved
// held, so any of them can be found by ID; t.active says which are a
// cashier's and which (待确认) wait for the outbox.
func (l *lane) sell(ctx context.Context) error {
	t := l.t
	cart := &pos.Cart{ID: NewID()}
	for range 1 + l.rnd.IntN(3) {
		p := t.products[l.rnd.IntN(len(t.products))]
		q := pos.OnePiece
		if p.ByWeight {
			q = pos.Qty(100 + l.rnd.IntN(900))
		}
		if err := cart.Add(p, q); err != nil {
			return err
		}
	}
	t.setActive(cart.ID, true)
	if err := t.DB.SaveCart(ctx, cart, true); err != nil {
		return err
	}
	if wantsCard(l.rnd) {
		return l.sellCard(ctx, cart)
	}
	td := l.choose()
	if td.provider != "" {
		if err := pos.CheckOnlinePayment(td.provider, td.mode, t.Link.State(td.provider)); err != nil {
			t.Events.Add("refused offline: " + pos.OfflineReason(err))
			td = tender{} // the cashier is offered cash
		}
	}
	if td.provider == "" {
		return t.complete(ctx, cart.ID, "cash")
	}
	due := cart.Totals().Total
	if td.split && due > 1 {
		due /= 2
	}
	p, err := t.pay(ctx, cart.ID, td, due)
	switch {
	case err != nil && p.ID == "":
		t.Events.Add("payment not started: " + string(pos.ErrorCode(err)))
		return t.complete(ctx, cart.ID, "cash")
	case err != nil && pos.ErrorCode(err) != pos.CodeUnavailable:
		return fmt.Errorf("soak: pay %s: %w", p.ID, err)
	}
	return t.complete(ctx, cart.ID, "after "+string(p.State))
}

// setActive marks a cart as a cashier's (the outbox leaves it alone).
func (t *Till) setActive(id string, on bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if on {
		t.active[id] = true
	} else {
		delete(t.active, id)
	}
}

// pay takes one payment of the cart.
func (t *Till) pay(ctx context.Context, cartID string, td tender, due money.Fen) (pos.Payment, error) {
	if td.mode == pos.ModeCode {
		code, err := t.customer(ctx, url.Values{"do": {"code"}, "p": {string(td.provider)}})
		if err != nil {
			return pos.Payment{}, pos.Errorf(pos.CodeUnavailable, "soak: the customer has no code: %w", err)
		}
		return t.Svc.PayCode(ctx, cartID, code, due, nil)
	}
	shown := false
	return t.Svc.PayQR(ctx, cartID, td.provider, due, func(p pos.Payment) {
		if p.State == pos.PayWaiting && p.QR != "" && !shown {
			shown = true
			_, _ = t.customer(ctx, url.Values{"do": {"scan"}, "p": {string(td.provider)}, "no": {p.ID}}) // the customer may well not scan
		}
	})
}

// customer asks the parent, who plays the customers, for something.
func (t *Till) customer(ctx context.Context, q url.Values) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.cfg.CtlURL+"/customer?"+q.Encode(), nil)
	if err != nil {
		return "", err
	}
	resp, err := t.ctl.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("soak: customer %s: %d %s %v", q.Get("do"), resp.StatusCode, b, err)
	}
	return string(b), nil
}

// complete decides about a cart a cashier has just paid (or not), on the
// payments as stored now: the outbox may have resolved one meanwhile. A
// payment still open leaves the cart to the outbox (待确认); succeeded
// payments are its tenders and cash pays the rest; with none, the customer
// pays cash.
func (t *Till) complete(ctx context.Context, cartID, why string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.active, cartID)
	cart, err := t.cartByID(ctx, cartID)
	if err != nil || cart == nil {
		return err // nil cart: already completed
	}
	ps, err := t.DB.PaymentsForSale(ctx, cartID)
	if err != nil {
		return err
	}
	if pos.Pending(ps) {
		t.Events.Add("sale held: payment to be confirmed")
		return nil
	}
	return t.checkout(ctx, cart, ps, why)
}

// settled is the outbox telling the till that a payment reached its
// outcome. A cart a cashier is working on is the cashier's to decide.
func (t *Till) settled(ctx context.Context, p pos.Payment) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.active[p.SaleID] {
		return nil
	}
	return t.settleCart(ctx, p.SaleID)
}

// settleCart completes a waiting cart whose payments are all final: with
// its succeeded payments (and cash for any rest), or lets it go when
// nothing was paid (the customer left while it was 待确认). Callers hold
// t.mu.
func (t *Till) settleCart(ctx context.Context, cartID string) error {
	cart, err := t.cartByID(ctx, cartID)
	if err != nil || cart == nil {
		return err
	}
	ps, err := t.DB.PaymentsForSale(ctx, cartID)
	if err != nil || pos.Pending(ps) {
		return err
	}
	if pos.Paid(ps) == 0 {
		t.Events.Add("cart let go: nothing paid")
		return t.DB.DeleteCart(ctx, cartID)
	}
	return t.checkout(ctx, cart, ps, "resumed")
}

// settleCarts settles every cart no cashier is working on: at start, what
// a crash left.
func (t *Till) settleCarts(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	carts, err := t.carts(ctx)
	if err != nil {
		return err
	}
	for _, c := range carts {
		if t.active[c.ID] {
			continue
		}
		if err := t.settleCart(ctx, c.ID); err != nil {
			return err
		}
	}
	return nil
}

// checkout saves the sale: the succeeded payments' tenders, cash for the
// rest. Callers hold t.mu.
func (t *Till) checkout(ctx context.Context, cart *pos.Cart, ps []pos.Payment, why string) error {
	var tenders []pos.Tender
	for _, p := range ps {
		if p.State == pos.PaySucceeded {
			tenders = append(tenders, p.Tender())
		}
	}
	if rest := cart.Totals().Total - pos.Paid(ps); rest > 0 {
		received := money.Floor(rest, money.Yuan) + money.Yuan
		cash, err := pos.CashTender(rest, received)
		if err != nil {
			return err
		}
		tenders = append(tenders, cash)
	} else if rest < 0 {
		return fmt.Errorf("soak: cart %s paid %v for %v", cart.ID, pos.Paid(ps), cart.Totals().Total)
	}
	now := t.Clock.Now()
	no, err := t.DB.NextSaleNo(ctx, pos.BusinessDay(now, shop), "01", "01")
	if err != nil {
		return err
	}
	s, err := cart.Checkout(pos.Checkout{ID: cart.ID, No: no, EntryID: NewID(), At: now, Cashier: "soak", Tenders: tenders})
	if err != nil {
		return err
	}
	if err := t.DB.SaveSale(ctx, s); err != nil {
		return err
	}
	t.sales = append(t.sales, s.ID)
	t.Events.Add("sale " + why)
	return nil
}

// carts returns every saved cart.
func (t *Till) carts(ctx context.Context) ([]*pos.Cart, error) {
	held, err := t.DB.HeldCarts(ctx)
	if err != nil {
		return nil, err
	}
	cur, err := t.DB.CurrentCart(ctx)
	if err != nil || cur == nil {
		return held, err
	}
	return append(held, cur), nil
}

// cartByID finds a saved cart; nil if there is none.
func (t *Till) cartByID(ctx context.Context, id string) (*pos.Cart, error) {
	carts, err := t.carts(ctx)
	for _, c := range carts {
		if c.ID == id {
			return c, err
		}
	}
	return nil, err
}

// refund returns part of a random earlier sale's provider tender.
func (l *lane) refund(ctx context.Context) error {
	t := l.t
	id, ok := t.someSale(l.rnd)
	if !ok {
		return nil
	}
	s, err := t.DB.Sale(ctx, id)
	if err != nil {
		return err
	}
	i := l.rnd.IntN(len(s.Tenders))
	rs, err := t.DB.Refunds(ctx, s.ID)
	if err != nil {
		return err
	}
	left := pos.Refundable(s, i, rs)
	td := s.Tenders[i]
	if left == 0 || td.PaymentID == "" || td.Kind == pos.TenderCard && strings.HasPrefix(td.Ref, "offline ") {
		// A card approved offline is not refunded here: should its capture
		// be declined, the refund has nothing to take back (a known gap).
		return nil
	}
	amount := 1 + money.Fen(l.rnd.Int64N(int64(left)))
	r, err := t.Svc.Refund(ctx, s, i, amount, "顾客退货")
	switch {
	case errors.Is(err, pos.ErrOverRefund):
		return nil
	case err != nil && r.ID == "":
		t.Events.Add("refund not started: " + string(pos.ErrorCode(err)))
		return nil
	case err != nil:
		return fmt.Errorf("soak: refund %s: %w", r.ID, err)
	}
	t.Events.Add("refund " + string(r.State))
	if td.Kind == pos.TenderCard {
		t.Events.Add("card refund " + string(r.State))
	}
	if r.State != pos.RefundPending {
		return nil
	}
	p, err := t.DB.Payment(ctx, r.PaymentID)
	if err != nil {
		return err
	}
	if err := t.DB.Enqueue(ctx, outbox.RefundJob(r, p.Provider, t.Clock.Now())); err != nil {
		return err
	}
	t.Worker.Wake()
	return nil
}

// someSale picks one of the last sales completed by this till process:
// customers bring things back soon, and often more than one.
func (t *Till) someSale(r *rand.Rand) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.sales) == 0 {
		return "", false
	}
	recent := t.sales[max(0, len(t.sales)-8):]
	return recent[r.IntN(len(recent))], true
}
