package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"zhanggui/pos"
	"zhanggui/sync/payments"
)

// The customer says "cash instead" while the shop's QR is up: the cashier
// cancels the QR and takes cash at once (nobody had scanned it, so the
// sale does not wait for it to expire). Should the customer pay the old QR
// after all, the till refunds it automatically.
func TestWithdrawnQRThenCashThenLateScanRefunded(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	svc := f.app.deps.Payments.(*payments.Service)
	svc.Sales, svc.RefundStore = f.db, f.db
	svc.Policy.QRExpiry = 5 * time.Minute // as in the shop: the QR stays payable after it is withdrawn
	f.scan("6901234567892")               // 3.00
	f.app.checkout.onPayQR(pos.Alipay, 0)
	qr := waitQR(t, f)
	f.app.paying.giveUp.OnTapped() // 取消收款: close says "no such trade"
	pd := waitPayment(t, f)
	if !pd.payment.Withdrawn() || !strings.Contains(pd.status.Text, "收款码已撤下") {
		t.Fatalf("after cancelling the QR: %s %q", pd.payment.State, pd.status.Text)
	}
	f.key(fyne.KeyF12)
	if f.app.pay == nil {
		t.Fatalf("cash refused while the QR is withdrawn: %q", f.app.checkout.msg.Text)
	}
	test.Type(f.app.pay.received, "5")
	f.app.pay.received.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	sale, err := f.db.LastSale(context.Background())
	if err != nil || sale == nil || sale.Tenders[0].Kind != pos.TenderCash {
		t.Fatalf("the cash sale: %+v, %v", sale, err)
	}
	if err := sim.CustomerPay(qr.ID); err != nil { // a photo of the QR, paid later
		t.Fatal(err)
	}
	got, err := svc.Resolve(context.Background(), qr.ID)
	if err != nil || got.State != pos.PayRefunded {
		t.Fatalf("the late QR payment: %s, %v; want refunded", got.State, err)
	}
	if net := charged(sim); net != 0 {
		t.Errorf("the customer paid twice: %v still charged", net)
	}
}
