package payments_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
)

// notices collects what the service tells the cashier.
type notices struct {
	mu  sync.Mutex
	got []payments.Notice
}

func (n *notices) add(x payments.Notice) { n.mu.Lock(); defer n.mu.Unlock(); n.got = append(n.got, x) }

func (n *notices) kinds() []payments.NoticeKind {
	n.mu.Lock()
	defer n.mu.Unlock()
	var ks []payments.NoticeKind
	for _, x := range n.got {
		ks = append(ks, x.Kind)
	}
	return ks
}

// newLate is the live stack with late successes handled: the service
// knows the sales and carts, and tells the test what it did.
func newLate(t *testing.T) (*live, *notices) {
	l := newLive(t)
	ns := &notices{}
	l.svc.Sales, l.svc.OnNotice = l.db, ns.add
	return l, ns
}

// cart rings up two products and saves the cart as the current one.
func (l *live) cart(t *testing.T) *pos.Cart {
	t.Helper()
	c := &pos.Cart{ID: l.svc.NewID()}
	for _, p := range storagetest.Seed(t, l.db, 2) {
		if err := c.Add(p, pos.OnePiece); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.db.SaveCart(context.Background(), c, false); err != nil {
		t.Fatal(err)
	}
	return c
}

// crashAfterSending does what PayCode does up to the request, sends it with
// the real client, and then the till dies: nothing of the flow runs after.
func (l *live) crashAfterSending(t *testing.T, saleID, code string, amount money.Fen) pos.Payment {
	t.Helper()
	ctx := context.Background()
	p, err := pos.NewPayment(l.svc.NewID(), saleID, pos.Alipay, pos.ModeCode, amount, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if p, err = p.Next(pos.EvSend, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := l.db.SavePayment(ctx, p); err != nil {
		t.Fatal(err)
	}
	r, err := l.svc.Providers[pos.Alipay].Pay(ctx, pos.PayRequest{OutTradeNo: p.ID, AuthCode: code, Amount: amount, Subject: "test"})
	if err == nil && r.Status != pos.StatusUnknown {
		t.Fatalf("the hidden success answered %+v", r)
	}
	return p
}

// checkout completes c with tenders, as the checkout screen does.
func (l *live) checkout(t *testing.T, c *pos.Cart, tenders ...pos.Tender) *pos.Sale {
	t.Helper()
	ctx := context.Background()
	no, _ := l.db.NextSaleNo(ctx, pos.BusinessDay(time.Now(), time.UTC), "01", "01")
	s, err := c.Checkout(pos.Checkout{ID: c.ID, No: no, EntryID: l.svc.NewID(), At: time.Now(), Tenders: tenders})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.db.SaveSale(ctx, s); err != nil {
		t.Fatal(err)
	}
	return s
}

// hiddenSuccess: the customer's code is charged but the answer says
// "system error", and the till dies before it asks again.
func (l *live) hiddenSuccess(t *testing.T, c *pos.Cart) pos.Payment {
	code := l.sim.NewPaymentCode(providersim.Alipay, "u1")
	l.sim.Script(providersim.OnCode(code), providersim.SystemErrorHiddenSuccess)
	return l.crashAfterSending(t, c.ID, code, c.Totals().Total)
}

// balanced checks the trial balance adds up to zero and returns it.
func (l *live) balanced(t *testing.T) map[ledger.Account]money.Fen {
	t.Helper()
	bal, err := l.db.TrialBalance(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var sum money.Fen
	for _, f := range bal {
		sum += f
	}
	if sum != 0 {
		t.Errorf("trial balance off by %v: %v", sum, bal)
	}
	return bal
}

func (l *live) recoverAll(t *testing.T) {
	t.Helper()
	if open, err := l.svc.Recover(context.Background()); err != nil || len(open) != 0 {
		t.Fatalf("after recover: open %v, %v", open, err)
	}
}

// TestLateSuccessAfterCashSale: the charge is hidden, the till dies, the
// cashier takes cash and completes the sale; then the sweeper finds the
// payment paid. It refunds it in full, once, with the number derived from
// the payment, and tells the cashier.
func TestLateSuccessAfterCashSale(t *testing.T) {
	l, ns := newLate(t)
	ctx := context.Background()
	c := l.cart(t)
	p := l.hiddenSuccess(t, c)
	total := c.Totals().Total
	cash, err := pos.CashTender(total, total)
	if err != nil {
		t.Fatal(err)
	}
	l.checkout(t, c, cash)

	l.recoverAll(t)
	got, _ := l.db.Payment(ctx, p.ID)
	if got.State != pos.PayRefunded || got.Refunded != total || got.Reason == "" {
		t.Fatalf("late payment after the sweep: %+v", got)
	}
	if tr, _ := l.sim.Trade(providersim.Alipay, p.ID); tr.Refunded != total {
		t.Errorf("the simulator refunded %v of %v", tr.Refunded, total)
	}
	refunds := 0
	for _, ch := range l.sim.Charges() {
		if ch.OutTradeNo == p.ID && ch.Kind == providersim.ChargeRefund {
			refunds++
			if ch.OutRefundNo != payments.LateRefundNo(p.ID) || ch.Amount != total {
				t.Errorf("refund %+v", ch)
			}
		}
	}
	if refunds != 1 {
		t.Errorf("%d refunds at the provider, want 1", refunds)
	}
	if want := []payments.NoticeKind{payments.NoticeLateRefund, payments.NoticeLateRefunded}; !slices.Equal(ns.kinds(), want) {
		t.Errorf("notices %v, want %v", ns.kinds(), want)
	}
	bal := l.balanced(t)
	if bal[ledger.AlipayClearing] != 0 || bal[ledger.Cash] != total {
		t.Errorf("ledger %v: Alipay clearing must be 0, the drawer %v", bal, total)
	}
	hist, _ := l.db.PaymentHistory(ctx, p.ID)
	if !slices.Equal(hist, []pos.PaymentState{pos.PayAuthorizing, pos.PayRefunding, pos.PayRefunded}) {
		t.Errorf("history %v: the refund must be saved before it is sent, in the same write as the success", hist)
	}
	l.recoverAll(t) // again: nothing more happens
	if n := len(ns.kinds()); n != 2 {
		t.Errorf("a second sweep told the cashier again: %v", ns.kinds())
	}
}

// TestLateSuccessCartWaiting: the cart still waits, so the late success
// pays for it: nothing is refunded, the cashier is told, and the sale
// completes with the payment.
func TestLateSuccessCartWaiting(t *testing.T) {
	l, ns := newLate(t)
	ctx := context.Background()
	c := l.cart(t)
	p := l.hiddenSuccess(t, c)
	l.recoverAll(t)
	got, _ := l.db.Payment(ctx, p.ID)
	if got.State != pos.PaySucceeded || got.TradeNo == "" {
		t.Fatalf("late payment for a waiting cart: %+v", got)
	}
	if !slices.Equal(ns.kinds(), []payments.NoticeKind{payments.NoticeLatePaid}) {
		t.Fatalf("notices %v", ns.kinds())
	}
	l.checkout(t, c, got.Tender()) // what the screen does on NoticeLatePaid (resumePaid)
	if r := l.refunded(p.ID); r != 0 {
		t.Errorf("refunded %v", r)
	}
	bal := l.balanced(t)
	if bal[ledger.AlipayClearing] != c.Totals().Total {
		t.Errorf("ledger %v", bal)
	}
}

// TestLateSuccessCartCleared: the cart was let go; the money goes back.
func TestLateSuccessCartCleared(t *testing.T) {
	l, ns := newLate(t)
	ctx := context.Background()
	c := l.cart(t)
	p := l.hiddenSuccess(t, c)
	c.Clear()
	if err := l.db.SaveCart(ctx, c, false); err != nil {
		t.Fatal(err)
	}
	l.recoverAll(t)
	got, _ := l.db.Payment(ctx, p.ID)
	if got.State != pos.PayRefunded || l.refunded(p.ID) != p.Amount {
		t.Fatalf("late payment of a cleared cart: %+v, refunded %v", got, l.refunded(p.ID))
	}
	if ks := ns.kinds(); len(ks) != 2 || ks[1] != payments.NoticeLateRefunded {
		t.Errorf("notices %v", ks)
	}
	l.balanced(t)
}

// TestLateRefundAnswerLost: the automatic refund's answer is lost, twice;
// the refund stays refunding and the next sweeps finish it with the same
// out_refund_no: the customer gets the money back once.
func TestLateRefundAnswerLost(t *testing.T) {
	l, _ := newLate(t)
	ctx := context.Background()
	c := l.cart(t)
	p := l.hiddenSuccess(t, c)
	if err := l.db.DeleteCart(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	l.loss.match, l.loss.drop = []string{"alipay.trade.refund", "alipay.trade.fastpay.refund.query"}, 7
	if _, err := l.svc.Recover(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := l.db.Payment(ctx, p.ID); got.State != pos.PayRefunding {
		t.Fatalf("with the answers lost the payment is %s, want refunding", got.State)
	}
	l.loss.drop = 0
	l.recoverAll(t)
	if got, _ := l.db.Payment(ctx, p.ID); got.State != pos.PayRefunded {
		t.Fatalf("after the link came back: %s", got.State)
	}
	if r := l.refunded(p.ID); r != p.Amount {
		t.Errorf("refunded %v, want %v once", r, p.Amount)
	}
}

// TestLateQRPaidAfterGivingUp: the till gave up on a QR but could not
// close it (link down); the cashier took cash; the customer paid the QR
// anyway. The sweeper's close is refused (paid), the query says paid: the
// payment is refunded.
func TestLateQRPaidAfterGivingUp(t *testing.T) {
	l, ns := newLate(t)
	ctx := context.Background()
	c := l.cart(t)
	total := c.Totals().Total
	l.loss.down = []string{"alipay.trade.query", "alipay.trade.close", "alipay.trade.cancel"}
	l.svc.Policy.QRFor = 200 * time.Millisecond
	p, err := l.svc.PayQR(ctx, c.ID, pos.Alipay, total, nil)
	if err != nil || p.State != pos.PayCancelling {
		t.Fatalf("QR given up with the link down: %s, %v", p.State, err)
	}
	cash, _ := pos.CashTender(total, total)
	l.checkout(t, c, cash) // the cashier's override: the customer paid cash
	if err := l.sim.CustomerScan(p.ID); err != nil {
		t.Fatal(err)
	}
	if err := l.sim.CustomerPay(p.ID); err != nil {
		t.Fatal(err)
	}
	l.loss.down = nil
	l.recoverAll(t)
	got, _ := l.db.Payment(ctx, p.ID)
	if got.State != pos.PayRefunded || l.refunded(p.ID) != total {
		t.Fatalf("late QR payment: %+v, refunded %v (notices %v)", got, l.refunded(p.ID), ns.kinds())
	}
	l.balanced(t)
}
