package app

import (
	"context"
	"testing"
	"time"

	"zhanggui/app/ui"
	"zhanggui/pos"
	"zhanggui/sync/payments"
)

// The demo customer who types the password slowly: the shop's QR is
// scanned at once, paid a moment later; the till waits (请顾客在手机上输入
// 密码) and books it. Every wallet, UnionPay's QR included.
func TestDemoPhoneSlowPasswordOnTheShopQR(t *testing.T) {
	db, pay := demoPayments(t)
	slowPassword = 300 * time.Millisecond
	t.Cleanup(func() { slowPassword = 8 * time.Second })
	phone := pay.phone(db)
	ctx := context.Background()
	pay.service.Policy = payments.Policy{PollEvery: 20 * time.Millisecond, PollFor: 5 * time.Second, QRFor: 5 * time.Second,
		QRExpiry: time.Minute, CancelTries: 1, CancelEvery: 10 * time.Millisecond}
	for _, provider := range []pos.Provider{pos.Alipay, pos.Wechat, pos.UnionPay} {
		scanned, states := false, map[pos.PaymentState]bool{}
		p, err := pay.service.PayQR(ctx, "sale-"+string(provider), provider, 880, func(p pos.Payment) {
			states[p.State] = true
			if p.QR != "" && !scanned {
				scanned = true
				if err := phone.ScanShopQR(ui.PhoneSlow); err != nil {
					t.Error(err)
				}
			}
		})
		if err != nil || p.State != pos.PaySucceeded {
			t.Fatalf("%s QR with a slow password: %s, %v", provider, p.State, err)
		}
		if !states[pos.PayWaiting] {
			t.Errorf("%s: the till never waited for the password: %v", provider, states)
		}
	}
}
