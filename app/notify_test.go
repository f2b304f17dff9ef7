package app

import (
	"context"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/sync/payments"
)

// TestDemoNotifications: in a demo shop the simulator posts its payment
// notifications to the till's loopback endpoint, which verifies and takes
// them (here: for a QR the customer pays; the till's flow books it once).
func TestDemoNotifications(t *testing.T) {
	db, pay := demoPayments(t)
	ctx := context.Background()
	pay.service.Policy = payments.Policy{PollEvery: 20 * time.Millisecond, PollFor: time.Second, QRFor: time.Second,
		QRExpiry: time.Minute, CancelTries: 1, CancelEvery: 10 * time.Millisecond}
	for _, provider := range []pos.Provider{pos.Alipay, pos.Wechat} {
		done := false
		p, err := pay.service.PayQR(ctx, "sale-"+string(provider), provider, 1234, func(p pos.Payment) {
			if p.QR != "" && !done {
				done = true
				if err := pay.sim.CustomerScan(p.ID); err != nil {
					t.Error(err)
				}
				if err := pay.sim.CustomerPay(p.ID); err != nil {
					t.Error(err)
				}
			}
		})
		if err != nil || p.State != pos.PaySucceeded {
			t.Fatalf("%s QR: %s, %v", provider, p.State, err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		sent, acked := pay.sim.WaitNotifications()
		if sent == 2 && acked == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("notifications sent %d, acknowledged %d; want 2, 2", sent, acked)
		}
		time.Sleep(10 * time.Millisecond)
	}
	open, err := db.OpenPayments(ctx)
	if err != nil || len(open) != 0 {
		t.Errorf("open payments %v, %v", open, err)
	}
}
