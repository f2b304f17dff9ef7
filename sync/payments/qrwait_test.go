package payments_test

import (
	"context"
	"testing"

	"zhanggui/pos"
)

// An Alipay QR nobody has scanned yet has no trade at Alipay: its "no such
// trade" answers keep the payment waiting (the customer can still scan),
// never unknown (which would tell the cashier the outcome is in doubt).
func TestUnscannedQRKeepsWaiting(t *testing.T) {
	qr := answer{r: pos.ProviderResult{Status: pos.StatusWaiting, QR: "https://qr.alipay.com/bax0003", Reason: "请顾客用支付宝扫码付款"}}
	svc, _, _ := newService(t, map[string][]answer{"precreate": {qr}, "query": {gone, gone, gone, ok}})
	var states []pos.PaymentState
	p, err := svc.PayQR(context.Background(), "sale1", pos.Alipay, 990, func(p pos.Payment) {
		states = append(states, p.State)
		if p.State == pos.PayWaiting && p.Reason != "请顾客用支付宝扫码付款" {
			t.Errorf("waiting says %q", p.Reason)
		}
	})
	if err != nil || p.State != pos.PaySucceeded {
		t.Fatalf("QR payment %s, %v", p.State, err)
	}
	for _, s := range states[:len(states)-1] {
		if s != pos.PayWaiting {
			t.Errorf("states %v: an unscanned QR must stay waiting", states)
			break
		}
	}
}
