package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"zhanggui/pos"
	"zhanggui/sync/alipay"
	"zhanggui/sync/outbox"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"

	"zhanggui/storage/storagetest"
)

const diskFullZh = "磁盘已满，本笔未收款，请清理磁盘后重试"

// TestDiskFullRefusesCashSale caps the database at its size (PRAGMA
// max_page_count: SQLite answers SQLITE_FULL as on a full disk) and pays a
// big cart in cash: the sale is refused with the message and nothing of it
// is written; with room again, the same sale goes through.
func TestDiskFullRefusesCashSale(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := f.db.ImportProducts(ctx, storagetest.Products(300)); err != nil {
		t.Fatal(err)
	}
	ps, err := f.db.Products(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := f.app.checkout
	for _, p := range ps { // a cart of 300 lines needs pages the capped file lacks
		if err := c.cart.Add(p, pos.OnePiece); err != nil {
			t.Fatal(err)
		}
	}
	c.refresh()
	if _, err := f.db.LimitPages(ctx, 0); err != nil {
		t.Fatal(err)
	}
	balance, _ := f.db.TrialBalance(ctx)

	f.key(fyne.KeyF12)
	cd := f.app.pay
	cd.received.SetText(cd.due.String()) // set, not typed: fast digits and Enter read as a barcode gun
	c.finishCash(cd)
	if f.app.pay == nil || cd.msg.Text != diskFullZh {
		t.Fatalf("cash sale on a full disk: dialog open %v, message %q", f.app.pay != nil, cd.msg.Text)
	}
	if sale, err := f.db.LastSale(ctx); sale != nil || pos.ErrorCode(err) != pos.CodeNotFound {
		t.Errorf("a sale was written: %+v, %v", sale, err)
	}
	if got, _ := f.db.TrialBalance(ctx); !reflect.DeepEqual(got, balance) {
		t.Errorf("ledger moved: %v, was %v", got, balance)
	}
	after, err := f.db.Products(ctx)
	if err != nil || !reflect.DeepEqual(after, ps) {
		t.Errorf("stock or products changed (%v)", err)
	}
	if len(c.cart.Lines) != len(ps) {
		t.Errorf("the cart lost lines: %d", len(c.cart.Lines))
	}

	// Disk space freed: the same sale, pressed again, is booked.
	if _, err := f.db.LimitPages(ctx, 10_000); err != nil {
		t.Fatal(err)
	}
	c.finishCash(cd)
	if sale, err := f.db.LastSale(ctx); err != nil || sale == nil || len(sale.Lines) != len(ps) {
		t.Fatalf("after freeing space: %v, %v", sale, err)
	}
}

// TestDiskFullRefusesCodePayment fills the capped database with payments
// like the one the cashier starts, so its save must fail: the payment is
// refused with the message and no request reaches the simulator.
func TestDiskFullRefusesCodePayment(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sim, err := providersim.New(providersim.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		sim.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	cr := sim.Credentials().Alipay
	cli, err := alipay.New(alipay.Config{AppID: cr.AppID, PrivateKeyPEM: cr.AppPrivateKeyPEM,
		AlipayPublicKeyPEM: cr.AlipayPublicKeyPEM, Gateway: srv.URL + "/alipay/gateway.do", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	store := outbox.PaymentStore{PaymentStore: f.db, Jobs: f.db} // as app wires it
	n := 0
	svc := &payments.Service{Store: store, Providers: map[pos.Provider]payments.Provider{pos.Alipay: cli},
		Now: time.Now, NewID: func() string { n++; return fmt.Sprintf("9%031d", n) }}
	f.app.deps.Payments = svc

	f.scan("6901234567892") // the cart is saved before the disk fills
	code := sim.NewPaymentCode(providersim.Alipay, "buyer1")
	fillPayments(t, f, store, code, 300)

	f.scan(code)
	pd := waitPayment(t, f)
	if pd.status.Text != diskFullZh || pd.detail.Text != T("Nothing was charged.") {
		t.Errorf("payment on a full disk shows %q / %q", pd.status.Text, pd.detail.Text)
	}
	if got := requests.Load(); got != 0 {
		t.Errorf("%d requests reached the simulator", got)
	}
	if got := len(sim.Charges()); got != 0 {
		t.Errorf("the simulator booked %d charges", got)
	}
	if _, err := f.db.Payment(ctx, pd.payment.ID); pos.ErrorCode(err) != pos.CodeNotFound {
		t.Errorf("the refused payment was stored: %v", err)
	}
	if len(f.app.checkout.cart.Lines) != 1 {
		t.Error("the cart was lost")
	}
}

// fillPayments caps the database and saves payments shaped like the one
// the checkout starts (same lengths, IDs sorting before it) until the disk
// is full, so that payment's save needs a page the file may not have.
func fillPayments(t *testing.T, f *fixture, store outbox.PaymentStore, code string, amount int) {
	t.Helper()
	ctx := context.Background()
	if _, err := f.db.LimitPages(ctx, 0); err != nil {
		t.Fatal(err)
	}
	saleID := fmt.Sprintf("%032d", 0)
	for i := 1; i < 100_000; i++ {
		p, err := pos.NewPayment(fmt.Sprintf("1%031d", i), saleID, pos.Alipay, pos.ModeCode, 300, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		p.CodeMask = pos.MaskCode(code)
		if p, err = p.Next(pos.EvSend, time.Now()); err != nil {
			t.Fatal(err)
		}
		err = store.SavePayment(ctx, p)
		if errors.Is(err, pos.ErrDiskFull) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Fatal("the capped database never filled")
}
