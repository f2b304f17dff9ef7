package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"zhanggui/pos"
	"zhanggui/sync/providersim"
)

// Split tender: ¥5 of a ¥7.50 sale by one QR, the rest by a second QR.
func TestSplitTwoQRPayments(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	f.scan("6903456789014") // 4.50
	f.scan("6901234567892") // 3.00
	for _, part := range []string{"5", ""} {
		f.app.checkout.scan.SetText(part)
		f.key(fyne.KeyF11)
		test.TypeOnCanvas(f.win.Canvas(), "1") // Alipay
		qr := waitQR(t, f)
		if err := sim.CustomerPay(qr.ID); err != nil {
			t.Fatal(err)
		}
		pd := waitPayment(t, f)
		if pd.payment.State != pos.PaySucceeded {
			t.Fatalf("part %q: %s %q", part, pd.payment.State, pd.status.Text)
		}
	}
	sale, err := f.db.LastSale(context.Background())
	if err != nil || sale == nil || len(sale.Tenders) != 2 || sale.Tenders[0].Amount != 500 || sale.Tenders[1].Amount != 250 {
		t.Fatalf("sale %+v, %v; want two QR tenders of 5.00 and 2.50", sale, err)
	}
	if got := charged(sim); got != 750 {
		t.Errorf("charged %v, want 7.50", got)
	}
}

// Split tender: ¥5 by the customer's payment code, the rest in cash; an
// amount over what is due is refused before anything is charged.
func TestSplitCodeThenCash(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	f.scan("6903456789014") // 4.50
	f.scan("6901234567892") // 3.00
	c := f.app.checkout
	c.scan.SetText("9")
	c.onPayCode()
	if f.app.paying != nil || !strings.Contains(c.msg.Text, "不超过") {
		t.Fatalf("¥9 of a ¥7.50 sale was not refused: %q", c.msg.Text)
	}
	c.scan.SetText("5")
	c.onPayCode() // the dialog waits for the code; it arrives by the gun
	c.startCodePayment(sim.NewPaymentCode(providersim.Alipay, "split"), 500)
	if pd := waitPayment(t, f); pd.payment.State != pos.PaySucceeded || pd.payment.Amount != 500 {
		t.Fatalf("code payment %s of %v", pd.payment.State, pd.payment.Amount)
	}
	f.key(fyne.KeyF12)
	if f.app.pay == nil || f.app.pay.due != 250 {
		t.Fatalf("cash for the rest: %+v", f.app.pay)
	}
	f.app.pay.received.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	sale, _ := f.db.LastSale(context.Background())
	if sale == nil || len(sale.Tenders) != 2 || sale.Tenders[1].Kind != pos.TenderCash || sale.Tenders[1].Amount != 250 {
		t.Fatalf("sale %+v; want 5.00 Alipay and 2.50 cash", sale)
	}
}
