package ui

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"zhanggui/hardware/camera"
	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/sync/alipay"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
)

// withSimulator gives the fixture's till an Alipay channel: the real
// client talking to the provider simulator over loopback HTTP, and a
// payment service with a fast polling cadence.
func withSimulator(t *testing.T, f *fixture) *providersim.Sim {
	t.Helper()
	sim, err := providersim.New(providersim.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	c := sim.Credentials().Alipay
	cli, err := alipay.New(alipay.Config{AppID: c.AppID, PrivateKeyPEM: c.AppPrivateKeyPEM,
		AlipayPublicKeyPEM: c.AlipayPublicKeyPEM, Gateway: srv.URL + "/alipay/gateway.do", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	svc := &payments.Service{Store: f.db, Providers: map[pos.Provider]payments.Provider{pos.Alipay: cli},
		Now: time.Now, NewID: func() string {
			n++
			return strings.Repeat("0", 24) + time.Now().Format("150405") + string(rune('a'+n)) + "z"
		},
		Policy: payments.Policy{PollEvery: 30 * time.Millisecond, PollFor: 3 * time.Second, QRFor: 3 * time.Second,
			CancelTries: 3, CancelEvery: 10 * time.Millisecond}}
	f.app.deps.Payments, f.app.deps.PaymentStore = svc, f.db
	return sim
}

// waitPayment waits for the payment in progress to have an outcome.
func waitPayment(t *testing.T, f *fixture) *payDialog {
	t.Helper()
	pd := f.app.lastPay // set before the payment runs, kept after it ends
	if pd == nil {
		t.Fatal("no payment started")
	}
	f.app.lastPay = nil
	select {
	case <-pd.done:
	case <-time.After(20 * time.Second):
		t.Fatal("the payment never finished")
	}
	return pd
}

func charged(sim *providersim.Sim) (net money.Fen) {
	for _, c := range sim.Charges() {
		if c.Kind == providersim.ChargePayment {
			net += c.Amount
		} else {
			net -= c.Amount
		}
	}
	return net
}

func TestScanPaymentCodeCompletesSale(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	f.scan("6901234567892")
	f.scan("6903456789014")
	code := sim.NewPaymentCode(providersim.Alipay, "buyer1")
	f.scan(code) // the customer's 付款码, scanned straight after the goods
	pd := waitPayment(t, f)
	if pd.payment.State != pos.PaySucceeded {
		t.Fatalf("payment %s: %s", pd.payment.State, pd.status.Text)
	}
	sale, err := f.db.LastSale(context.Background())
	if err != nil || sale == nil {
		t.Fatalf("no sale: %v", err)
	}
	if len(sale.Tenders) != 1 || sale.Tenders[0].Kind != pos.TenderAlipay || sale.Total != 750 {
		t.Errorf("sale %+v", sale)
	}
	if got := charged(sim); got != 750 {
		t.Errorf("the simulator charged %v, want 7.50", got)
	}
	if len(f.app.checkout.cart.Lines) != 0 {
		t.Error("the paid cart was not cleared")
	}
}

func TestPasswordThenSplitWithCash(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	f.scan("6901234567892") // 3.00
	code := sim.NewPaymentCode(providersim.Alipay, "buyer2")
	sim.Script(providersim.OnCode(code), providersim.PasswordThenSuccess(2, 0))
	f.scan(code)
	pd := waitPayment(t, f)
	if pd.payment.State != pos.PaySucceeded || f.app.checkout.lastSale == nil {
		t.Fatalf("payment %s, status %q", pd.payment.State, pd.status.Text)
	}
	// The next customer pays part by wallet, then refused, then cash.
	f.scan("6903456789014") // 4.50
	f.scan("6901234567892") // 3.00
	broke := sim.NewPaymentCode(providersim.Alipay, "buyer3")
	sim.Script(providersim.OnCode(broke), providersim.InsufficientBalance)
	f.scan(broke)
	pd = waitPayment(t, f)
	if pd.payment.State != pos.PayFailed || !strings.Contains(pd.status.Text, "支付失败") {
		t.Fatalf("refused payment: %s %q", pd.payment.State, pd.status.Text)
	}
	f.key(fyne.KeyF12)
	f.app.pay.received.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	sale, _ := f.db.LastSale(context.Background())
	if sale.Total != 750 || sale.Tenders[0].Kind != pos.TenderCash {
		t.Errorf("cash sale after a refused code: %+v", sale)
	}
	if got := charged(sim); got != 300 {
		t.Errorf("net charged %v, want 3.00", got)
	}
}

func TestCustomerWalksAwayNothingCharged(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	f.scan("6901234567892")
	code := sim.NewPaymentCode(providersim.Alipay, "buyer4")
	sim.Script(providersim.OnCode(code), providersim.PasswordThenSuccess(1000, time.Hour))
	f.scan(code)
	time.Sleep(100 * time.Millisecond)
	f.app.paying.giveUp.OnTapped() // the cashier presses 取消收款
	pd := waitPayment(t, f)
	if pd.payment.State != pos.PayReversed {
		t.Fatalf("after giving up: %s %q", pd.payment.State, pd.status.Text)
	}
	if got := charged(sim); got != 0 {
		t.Errorf("net charged %v after a cancelled payment", got)
	}
	if err := f.app.checkout.locked(); err != nil {
		t.Errorf("a cancelled payment still locks the cart: %v", err)
	}
}

func TestHiddenSuccessResolvedByQuery(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	f.scan("6903456789014")
	code := sim.NewPaymentCode(providersim.Alipay, "buyer5")
	sim.Script(providersim.OnCode(code), providersim.SystemErrorHiddenSuccess)
	f.scan(code)
	pd := waitPayment(t, f)
	if pd.payment.State != pos.PaySucceeded {
		t.Fatalf("SYSTEMERROR with a hidden charge ended %s (%q)", pd.payment.State, pd.status.Text)
	}
	if got := charged(sim); got != 450 {
		t.Errorf("charged %v", got)
	}
	sale, _ := f.db.LastSale(context.Background())
	if sale == nil || sale.Total != 450 {
		t.Errorf("no completed sale for a paid customer: %+v", sale)
	}
}

func TestRestartCompletesPaidSale(t *testing.T) {
	f := newFixture(t)
	f.scan("6901234567892")
	cart := f.app.checkout.cart
	// The till took the payment, then died before saving the sale.
	p, _ := pos.NewPayment(strings.Repeat("a", 32), cart.ID, pos.Alipay, pos.ModeCode, 300, f.now)
	p.State, p.TradeNo = pos.PaySucceeded, "2026112522001"
	if err := f.db.SavePayment(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	f.app = f.open(t) // startup finds the payment and completes the sale
	sale, err := f.db.Sale(context.Background(), cart.ID)
	if err != nil || sale.Tenders[0].PaymentID != p.ID {
		t.Fatalf("the paid sale was not completed after restart: %+v, %v", sale, err)
	}
}

func TestRefundFromOrdersScreen(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	svc := f.app.deps.Payments.(*payments.Service)
	svc.RefundStore = f.db
	f.app.deps.Refunds = f.db
	f.scan("6901234567892")
	f.scan("6903456789014")
	f.scan(sim.NewPaymentCode(providersim.Alipay, "buyer6"))
	waitPayment(t, f)
	o := f.app.orders
	o.reload()
	o.open(o.shown[0])
	o.onRefund()
	d := o.refund
	d.amount.SetText("5.00")
	d.reason.SetText("顾客退货")
	d.ok.OnTapped()
	<-d.done
	if !strings.Contains(d.msg.Text, "已退款 ¥5.00") {
		t.Fatalf("refund message %q", d.msg.Text)
	}
	if !strings.Contains(o.detail.Text, "已退款") {
		t.Errorf("the order does not show its refund:\n%s", o.detail.Text)
	}
	// More than is left is refused before anything is sent.
	o.onRefund()
	d = o.refund
	d.amount.SetText("3.00")
	d.ok.OnTapped()
	<-d.done
	if !strings.Contains(d.msg.Text, "请检查") {
		t.Errorf("over-refund message %q", d.msg.Text)
	}
	if got := charged(sim); got != 250 {
		t.Errorf("net charged after the refund %v, want 2.50", got)
	}
}

// TestCameraScansPhone: the counter camera (here the demo's generated
// frames of a phone, through the same decoder pipeline as a webcam) reads
// the customer's code and the payment goes through.
func TestCameraScansPhone(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	scene := camera.NewPhoneScene(640, 480, 3)
	f.app.deps.OpenCamera = func() (camera.FrameSource, error) {
		return camera.NewGenerated(scene.Render, camera.GeneratedOptions{FPS: 30}), nil
	}
	f.scan("6903456789014")
	f.key(fyne.KeyF9)
	if f.app.camScan == nil {
		t.Fatal("F9 started no camera")
	}
	if err := scene.SetText(sim.NewPaymentCode(providersim.Alipay, "buyer7")); err != nil {
		t.Fatal(err)
	}
	// Wait on the stores, which are safe to read while the screen works.
	deadline := time.Now().Add(10 * time.Second)
	var sale *pos.Sale
	for sale == nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		if s, err := f.db.LastSale(context.Background()); err == nil && s != nil && s.Total == 450 {
			sale = s
		}
	}
	if sale == nil {
		t.Fatal("the camera never read the phone's code, or the sale never completed")
	}
	if got := charged(sim); got != 450 {
		t.Errorf("charged %v after a camera scan", got)
	}
}

// TestOfflineRefusesPaymentCode: with the channel offline, a scanned code
// is refused before anything is sent, and the cashier is told to take cash.
func TestOfflineRefusesPaymentCode(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	f.app.deps.Link = func(pos.Provider) pos.Link { return pos.LinkOffline }
	f.scan("6901234567892")
	f.scan(sim.NewPaymentCode(providersim.Alipay, "buyer8"))
	if f.app.lastPay != nil || !strings.Contains(f.app.checkout.msg.Text, "请改收现金") {
		t.Errorf("offline code payment: started %v, message %q", f.app.lastPay != nil, f.app.checkout.msg.Text)
	}
	if got := charged(sim); got != 0 {
		t.Errorf("charged %v while offline", got)
	}
}
