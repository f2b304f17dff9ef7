package ui

import (
	"strings"
	"testing"

	"zhanggui/pos"
	"zhanggui/sync/providersim"
)

// The till does not lock while a payment waits for the customer: its
// dialog would be dropped with the outcome the cashier must see. Once the
// payment ends, the lock works.
func TestNoLockWhilePaying(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	f.scan("6901234567892")
	code := sim.NewPaymentCode(providersim.Alipay, "buyer-lock")
	sim.Script(providersim.OnCode(code), providersim.PasswordThenSuccess(2, 0))
	f.scan(code)
	if f.app.paying == nil {
		t.Fatal("no payment in progress after the code")
	}
	f.app.LockNow()
	if f.app.Locked() || !strings.Contains(f.app.checkout.msg.Text, "正在收款") {
		t.Fatalf("locked %v while paying, message %q", f.app.Locked(), f.app.checkout.msg.Text)
	}
	pd := waitPayment(t, f)
	if pd.payment.State != pos.PaySucceeded || f.app.checkout.lastSale == nil {
		t.Fatalf("payment %s, sale %v", pd.payment.State, f.app.checkout.lastSale)
	}
	f.app.LockNow()
	if !f.app.Locked() {
		t.Error("the till did not lock after the payment")
	}
}
