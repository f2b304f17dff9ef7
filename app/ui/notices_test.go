package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"zhanggui/pos"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
)

// lostAnswer charges amount at the simulator for the fixture's cart while
// the till records the payment as unknown: the answer was lost.
func lostAnswer(t *testing.T, f *fixture, sim *providersim.Sim, svc *payments.Service, id string) pos.Payment {
	t.Helper()
	amount := f.app.checkout.cart.Totals().Total
	p, _ := pos.NewPayment(id, f.app.checkout.cart.ID, pos.Alipay, pos.ModeCode, amount, f.now)
	p.State = pos.PayUnknown
	if err := f.db.SavePayment(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	code := sim.NewPaymentCode(providersim.Alipay, "late")
	res, err := svc.Providers[pos.Alipay].Pay(context.Background(), pos.PayRequest{OutTradeNo: id, AuthCode: code, Amount: amount, Subject: "t"})
	if err != nil || res.Status != pos.StatusSuccess {
		t.Fatalf("charge at the simulator: %+v, %v", res, err)
	}
	return p
}

func noticesOf(svc *payments.Service) <-chan pos.PaymentNotice {
	ch := make(chan pos.PaymentNotice, 8)
	svc.OnNotice = func(n pos.PaymentNotice) { ch <- n }
	return ch
}

// A payment found paid after the cashier stopped waiting completes the
// sale still on the counter, and the cashier is told.
func TestLateSuccessCompletesWaitingSale(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	svc := f.app.deps.Payments.(*payments.Service)
	svc.Sales = f.db
	notices := noticesOf(svc)
	f.scan("6903456789014")
	cart := f.app.checkout.cart
	p := lostAnswer(t, f, sim, svc, strings.Repeat("1", 32))
	if _, err := svc.Resolve(context.Background(), p.ID); err != nil {
		t.Fatal(err)
	}
	n := <-notices
	if n.Kind != pos.NoticeLatePaid {
		t.Fatalf("notice %s, want late paid", n.Kind)
	}
	f.app.checkout.onNotice(n)
	sale, err := f.db.Sale(context.Background(), cart.ID)
	if err != nil || len(sale.Tenders) != 1 || sale.Tenders[0].PaymentID != p.ID {
		t.Fatalf("the late payment did not complete the sale: %+v, %v", sale, err)
	}
	if len(f.app.checkout.cart.Lines) != 0 {
		t.Error("the counter still shows the paid cart")
	}
}

// A payment found paid after the sale was settled in cash is refunded to
// the customer automatically, and the cashier is told in Chinese.
func TestLateSuccessAfterCashIsRefunded(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	svc := f.app.deps.Payments.(*payments.Service)
	svc.Sales, svc.RefundStore = f.db, f.db
	notices := noticesOf(svc)
	f.scan("6903456789014")
	p := lostAnswer(t, f, sim, svc, strings.Repeat("2", 32))
	// The sale was settled in cash (as the cash dialog completes it) while
	// the wallet's answer was lost.
	if err := f.app.checkout.completeWithPayments(&pos.Tender{Kind: pos.TenderCash, Amount: 450}, 0); err != nil {
		t.Fatalf("cash sale: %v", err)
	}
	if _, err := svc.Resolve(context.Background(), p.ID); err != nil {
		t.Fatal(err)
	}
	for _, want := range []pos.PaymentNoticeKind{pos.NoticeLateRefund, pos.NoticeLateRefunded} {
		n := <-notices
		if n.Kind != want {
			t.Fatalf("notice %s, want %s", n.Kind, want)
		}
		f.app.checkout.onNotice(n)
	}
	if got := charged(sim); got != 0 {
		t.Errorf("the customer is still charged %v", got)
	}
	if !strings.Contains(f.app.checkout.lastInfo.Text, "已自动退回顾客") {
		t.Errorf("the cashier was told %q", f.app.checkout.lastInfo.Text)
	}
}

// A late success saved while the cashier was taking cash: the cash sale is
// refused (nothing booked, the drawer untouched) and the checkout shows
// what is still due with the payment counted.
func TestCashSaleRefusedWhenAPaymentArrived(t *testing.T) {
	f := newFixture(t)
	f.scan("6903456789014") // 4.50
	cart := f.app.checkout.cart
	f.key(fyne.KeyF12)
	if f.app.pay == nil {
		t.Fatal("no cash dialog")
	}
	p, _ := pos.NewPayment(strings.Repeat("3", 32), cart.ID, pos.Alipay, pos.ModeCode, 450, f.now)
	p.State = pos.PaySucceeded // arrived behind the dialog
	if err := f.db.SavePayment(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	f.app.pay.received.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if sale, _ := f.db.Sale(context.Background(), cart.ID); sale != nil {
		t.Fatalf("the cash sale was booked beside the payment: %+v", sale.Tenders)
	}
	if f.app.pay == nil || !strings.Contains(f.app.pay.msg.Text, "刚收到一笔付款") {
		t.Errorf("the cashier was not told: %+v", f.app.pay)
	}
	if got := f.app.checkout.remaining(); got != 0 {
		t.Errorf("still due %v after the payment arrived, want 0", got)
	}
}
