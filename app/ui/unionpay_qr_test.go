package ui

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
	"zhanggui/sync/unionpay"
)

// withAcquirer adds the acquirer's client (UnionPay QR) to the payment
// service withSimulator set up, as the till does when the channel is
// configured, and lists the channel for the F11 chooser.
func withAcquirer(t *testing.T, f *fixture, sim *providersim.Sim) {
	t.Helper()
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	a := sim.Credentials().Acquirer
	cli, err := unionpay.New(unionpay.Config{BaseURL: srv.URL + "/acquirer", MerchantID: a.MerchantID,
		HMACKeyHex: a.HMACKey, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	svc := f.app.deps.Payments.(*payments.Service)
	svc.Providers[pos.UnionPay], svc.Providers[pos.ECNY] = cli, cli
	f.app.deps.LinkProviders = []pos.Provider{pos.Alipay, pos.Wechat, pos.UnionPay}
}

// chooserButtons are the wallet buttons of the F11 dialog on top.
func chooserButtons(f *fixture) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Button:
			if len(w.Text) > 1 && w.Text[0] >= '1' && w.Text[0] <= '9' {
				out = append(out, w.Text)
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	if top := f.win.Canvas().Overlays().Top(); top != nil {
		walk(top)
	}
	return out
}

// waitQR waits for the open payment to show its QR.
func waitQR(t *testing.T, f *fixture) pos.Payment {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		open, err := f.db.OpenPayments(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(open) == 1 && open[0].QR != "" {
			return open[0]
		}
	}
	t.Fatal("no QR was shown")
	return pos.Payment{}
}

// TestUnionPayQRCompletesSale: F11, key 3 (云闪付/银联), the customer scans
// and pays; the sale is saved with a UnionPay tender and the acquirer
// charged it once.
func TestUnionPayQRCompletesSale(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	withAcquirer(t, f, sim)
	d := openDisplay(t, f)
	f.scan("6901234567892") // 3.00
	f.key(fyne.KeyF11)
	want := []string{"1  支付宝", "2  微信支付", "3  云闪付/银联"}
	if got := chooserButtons(f); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("F11 offers %q, want %q", got, want)
	}
	test.TypeOnCanvas(f.win.Canvas(), "3")
	if f.win.Canvas().OnTypedRune() != nil {
		t.Error("the chooser kept the keyboard after it closed")
	}
	p := waitQR(t, f)
	if p.Provider != pos.UnionPay || p.Mode != pos.ModeQR || !strings.HasPrefix(p.QR, "https://qr.95516.com/") {
		t.Fatalf("QR payment %+v", p)
	}
	if v := waitView(t, d, dispQR); v.Headline != "请用云闪付扫码付款" || v.QR != p.QR || v.Amount != "¥3.00" {
		t.Errorf("customer display: %+v", v)
	}
	if err := sim.CustomerPay(p.ID); err != nil { // the demo phone scans and pays
		t.Fatal(err)
	}
	pd := waitPayment(t, f)
	if pd.payment.State != pos.PaySucceeded {
		t.Fatalf("payment %s: %s", pd.payment.State, pd.status.Text)
	}
	sale, err := f.db.LastSale(context.Background())
	if err != nil || sale == nil {
		t.Fatalf("no sale: %v", err)
	}
	if len(sale.Tenders) != 1 || sale.Tenders[0].Kind != pos.TenderUnionPay || sale.Tenders[0].PaymentID != p.ID ||
		sale.Tenders[0].Amount != 300 || sale.Total != 300 {
		t.Errorf("sale %+v", sale)
	}
	saved, err := f.db.Payment(context.Background(), p.ID)
	if err != nil || saved.State != pos.PaySucceeded || saved.TradeNo == "" {
		t.Errorf("saved payment %+v, %v", saved, err)
	}
	if got := charged(sim); got != 300 {
		t.Errorf("the simulator charged %v, want 3.00", got)
	}
	if tr, _ := sim.Trade(providersim.UnionPay, p.ID); tr.State != "paid" || tr.Amount != 300 {
		t.Errorf("acquirer order %+v", tr)
	}
}

// TestQRChooserKeys: without the acquirer the chooser offers two wallets
// and 3 does nothing; 1 picks Alipay.
func TestQRChooserKeys(t *testing.T) {
	f := newFixture(t)
	withSimulator(t, f)
	f.scan("6901234567892")
	f.key(fyne.KeyF11)
	if got := chooserButtons(f); len(got) != 2 {
		t.Fatalf("F11 without the acquirer offers %q", got)
	}
	test.TypeOnCanvas(f.win.Canvas(), "3")
	if f.app.lastPay != nil {
		t.Fatal("key 3 started a payment without the acquirer")
	}
	test.TypeOnCanvas(f.win.Canvas(), "1")
	p := waitQR(t, f)
	if p.Provider != pos.Alipay {
		t.Errorf("key 1 showed a %s QR", p.Provider)
	}
	f.app.lastPay.cancel() // the cashier gives up
	if pd := waitPayment(t, f); pd.payment.State == pos.PaySucceeded {
		t.Errorf("the given-up QR is %s", pd.payment.State)
	}
}
