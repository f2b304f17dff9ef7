package payments_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
	"zhanggui/sync/wechatpay"
)

// newNotified is the live stack with WeChat Pay too, and the till's notify
// endpoint on loopback, where the simulator posts its notifications.
func newNotified(t *testing.T, o providersim.NotifyOptions) (*live, *notices) {
	t.Helper()
	l, ns := newLate(t)
	srv := httptest.NewServer(l.sim.Handler())
	t.Cleanup(srv.Close)
	w := l.sim.Credentials().WeChat
	wx, err := wechatpay.New(wechatpay.Config{AppID: w.AppID, MchID: w.MchID, APIv2Key: w.APIv2Key,
		MerchantPrivateKeyPEM: w.MerchantPrivateKeyPEM, MerchantSerial: w.MerchantSerial,
		WechatPayPublicKeyPEM: w.PublicKeyPEM, WechatPaySerial: w.PublicKeyID,
		NotifyURL: "https://shop.example/notify", BaseURL: srv.URL + "/wechat", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	wn, err := wx.Notifier(w.APIv3Key)
	if err != nil {
		t.Fatal(err)
	}
	l.svc.Providers[pos.Wechat] = wx
	ali := l.svc.Providers[pos.Alipay].(payments.NotifyVerifier)
	l.svc.Notifiers = map[pos.Provider]payments.NotifyVerifier{pos.Alipay: ali, pos.Wechat: wn}
	till := httptest.NewServer(l.svc.NotifyHandler())
	t.Cleanup(till.Close)
	o.URLs = map[providersim.Provider]string{providersim.Alipay: till.URL + "/notify/alipay",
		providersim.WeChat: till.URL + "/notify/wechat"}
	l.sim.SetNotify(o)
	return l, ns
}

// sendAndCrash starts a payment of cart c at provider (a code payment, or
// a QR the customer then pays), and the till dies after sending it: only
// the notification, or the sweeper, can tell it the outcome.
func (l *live) sendAndCrash(t *testing.T, c *pos.Cart, provider pos.Provider, mode pos.PaymentMode) pos.Payment {
	t.Helper()
	ctx := context.Background()
	p, _ := pos.NewPayment(l.svc.NewID(), c.ID, provider, mode, c.Totals().Total, time.Now())
	p, _ = p.Next(pos.EvSend, time.Now())
	if err := l.db.SavePayment(ctx, p); err != nil {
		t.Fatal(err)
	}
	prov := l.svc.Providers[provider]
	req := pos.PayRequest{OutTradeNo: p.ID, Amount: p.Amount, Subject: "test"}
	if mode == pos.ModeQR {
		if _, err := prov.Precreate(ctx, req); err != nil {
			t.Fatal(err)
		}
		if err := l.sim.CustomerScan(p.ID); err != nil {
			t.Fatal(err)
		}
		if err := l.sim.CustomerPay(p.ID); err != nil {
			t.Fatal(err)
		}
		return p
	}
	sp := providersim.Alipay
	if provider == pos.Wechat {
		sp = providersim.WeChat
	}
	req.AuthCode = l.sim.NewPaymentCode(sp, "u1")
	l.sim.Script(providersim.OnCode(req.AuthCode), providersim.SystemErrorHiddenSuccess)
	if r, err := prov.Pay(ctx, req); err == nil && r.Status != pos.StatusUnknown {
		t.Fatalf("the hidden success answered %+v", r)
	}
	return p
}

// TestNotificationReplay: each notification comes four times (the first
// and three replays). The first resolves the payment by query; the
// replays change nothing: one success, one booking.
func TestNotificationReplay(t *testing.T) {
	cases := []struct {
		name     string
		provider pos.Provider
		mode     pos.PaymentMode
	}{
		{"alipay code", pos.Alipay, pos.ModeCode},
		{"alipay QR", pos.Alipay, pos.ModeQR},
		{"wechat v2 micropay", pos.Wechat, pos.ModeCode},
		{"wechat v3 native", pos.Wechat, pos.ModeQR},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			l, ns := newNotified(t, providersim.NotifyOptions{Replay: 3})
			ctx := context.Background()
			c := l.cart(t)
			p := l.sendAndCrash(t, c, tt.provider, tt.mode)
			if sent, acked := l.sim.WaitNotifications(); sent != 4 || acked != 4 {
				t.Fatalf("notifications sent %d, acknowledged %d; want 4 and 4", sent, acked)
			}
			got, _ := l.db.Payment(ctx, p.ID)
			if got.State != pos.PaySucceeded || got.TradeNo == "" {
				t.Fatalf("after the notifications: %+v", got)
			}
			hist, _ := l.db.PaymentHistory(ctx, p.ID)
			if !slices.Equal(hist, []pos.PaymentState{pos.PayAuthorizing, pos.PaySucceeded}) {
				t.Errorf("history %v: the replays must change nothing", hist)
			}
			if !slices.Equal(ns.kinds(), []payments.NoticeKind{payments.NoticeLatePaid}) {
				t.Errorf("notices %v", ns.kinds())
			}
			l.checkout(t, c, got.Tender())
			bal := l.balanced(t)
			acct := ledger.AlipayClearing
			if tt.provider == pos.Wechat {
				acct = ledger.WechatClearing
			}
			if bal[acct] != p.Amount {
				t.Errorf("clearing %v, want %v once: %v", bal[acct], p.Amount, bal)
			}
		})
	}
}

// TestNotificationTampered: a notification whose signature does not verify
// is refused and changes nothing; the payment stays open and the sweeper
// resolves it by query.
func TestNotificationTampered(t *testing.T) {
	for _, provider := range []pos.Provider{pos.Alipay, pos.Wechat} {
		for _, mode := range []pos.PaymentMode{pos.ModeCode, pos.ModeQR} {
			t.Run(string(provider)+" "+string(mode), func(t *testing.T) {
				l, ns := newNotified(t, providersim.NotifyOptions{Tamper: true, Replay: 1})
				ctx := context.Background()
				c := l.cart(t)
				p := l.sendAndCrash(t, c, provider, mode)
				if sent, acked := l.sim.WaitNotifications(); sent != 1 || acked != 0 {
					t.Fatalf("tampered notifications sent %d, acknowledged %d; want 1, 0", sent, acked)
				}
				if got, _ := l.db.Payment(ctx, p.ID); got.State != pos.PayAuthorizing {
					t.Fatalf("a tampered notification moved the payment to %s", got.State)
				}
				if !slices.Equal(ns.kinds(), []payments.NoticeKind{payments.NoticeBadNotification}) {
					t.Errorf("notices %v", ns.kinds())
				}
				l.recoverAll(t)
				if got, _ := l.db.Payment(ctx, p.ID); got.State != pos.PaySucceeded {
					t.Errorf("the sweeper left it %s", got.State)
				}
			})
		}
	}
}

// TestNotifyEndpoint checks what the endpoint answers besides notifications.
func TestNotifyEndpoint(t *testing.T) {
	l, _ := newNotified(t, providersim.NotifyOptions{})
	h := l.svc.NotifyHandler()
	for _, tt := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/notify/alipay", http.StatusMethodNotAllowed},
		{"POST", "/notify/unionpay", http.StatusNotFound},
		{"POST", "/notify/alipay", http.StatusBadRequest}, // no signature
		{"POST", "/notify/wechat", http.StatusBadRequest},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, nil))
		if w.Code != tt.want {
			t.Errorf("%s %s: %d, want %d", tt.method, tt.path, w.Code, tt.want)
		}
	}
}
