package soak_test

import (
	"context"
	"strings"
	"testing"

	"zhanggui/pos"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/outbox"
	"zhanggui/sync/providersim"
	"zhanggui/sync/soak"
)

// TestAuditCatches: the audit is not vacuous. A till that shows a payment
// failed while the customer paid, a paid payment with no sale, a double
// charge and a charge the till never made are each reported.
func TestAuditCatches(t *testing.T) {
	db := storagetest.NewDB(t)
	ctx := context.Background()
	save := func(id string, state pos.PaymentState) {
		p, err := pos.NewPayment(id, "cart-"+id, pos.Alipay, pos.ModeCode, 500, storagetest.Epoch)
		if err != nil {
			t.Fatal(err)
		}
		p.State = state
		if err := db.SavePaymentWithJobs(ctx, p, outbox.PaymentJob(p, storagetest.Epoch)); err != nil {
			t.Fatal(err)
		}
		if err := db.Done(ctx, "resolve_payment:"+id); err != nil {
			t.Fatal(err)
		}
	}
	save("failedbutpaid", pos.PayFailed)
	save("paidnosale", pos.PaySucceeded)
	charge := func(no string) providersim.Charge {
		return providersim.Charge{Kind: providersim.ChargePayment, OutTradeNo: no, Amount: 500}
	}
	r, err := soak.Audit(ctx, db.Path(), []providersim.Charge{
		charge("failedbutpaid"), charge("paidnosale"), charge("paidnosale"), charge("stranger")})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(r.Violations, "\n")
	for _, want := range []string{
		"payment failedbutpaid is failed at the till, but the customer paid 5.00",
		"payment paidnosale of 5.00 paid for 0 sales",
		"paidnosale charged 2 times",
		"a payment the till never made",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("the audit missed %q; it found:\n%s", want, all)
		}
	}
}
