package wechatpay

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/sync/providersim"
)

// posted is one notification as the merchant got it.
type posted struct {
	header http.Header
	body   string
}

// capture is a merchant endpoint that keeps the notifications it gets and
// acknowledges them.
func capture(t testing.TB, sim *providersim.Sim) chan posted {
	t.Helper()
	got := make(chan posted, 8)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- posted{r.Header.Clone(), string(b)}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	sim.SetNotify(providersim.NotifyOptions{URLs: map[providersim.Provider]string{providersim.WeChat: srv.URL}})
	return got
}

// notifications pays a v2 micropay and a v3 Native order of 12.34 and
// returns their notifications and out_trade_nos.
func (e *env) notifications(t testing.TB) (v2, v3 posted, no2, no3 string) {
	t.Helper()
	got := capture(t, e.sim)
	req := e.payReq("u1", 1234)
	if r, err := e.c.Pay(t.Context(), req); err != nil || r.Status != pos.StatusSuccess {
		t.Fatalf("pay: %+v, %v", r, err)
	}
	e.sim.WaitNotifications()
	v2, no2 = <-got, req.OutTradeNo
	no3 = newNo("N")
	if _, err := e.c.Precreate(t.Context(), pos.PayRequest{OutTradeNo: no3, Amount: 1234, Subject: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.CustomerScan(no3); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.CustomerPay(no3); err != nil {
		t.Fatal(err)
	}
	e.sim.WaitNotifications()
	return v2, <-got, no2, no3
}

func (p posted) request() *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/notify/wechat", strings.NewReader(p.body))
	r.Header = p.header.Clone()
	return r
}

func TestVerifyNotification(t *testing.T) {
	e := newEnv(t, nil, nil)
	n, err := e.c.Notifier(e.cred.WeChat.APIv3Key)
	if err != nil {
		t.Fatal(err)
	}
	v2, v3, no2, no3 := e.notifications(t)
	tests := []struct {
		name   string
		in     posted
		change func(*posted)
		no     string // "" : must be refused
	}{
		{"v2 as sent", v2, func(*posted) {}, no2},
		{"v2 amount changed", v2, func(p *posted) { p.body = strings.Replace(p.body, "1234", "1", 1) }, ""},
		{"v2 sign changed", v2, func(p *posted) { p.body = strings.Replace(p.body, "<sign>", "<sign>0", 1) }, ""},
		{"v3 as sent", v3, func(*posted) {}, no3},
		{"v3 body changed", v3, func(p *posted) { p.body = strings.Replace(p.body, "支付成功", "支付失败", 1) }, ""},
		{"v3 signature changed", v3, func(p *posted) { p.header.Set("Wechatpay-Signature", "AAAA") }, ""},
		{"v3 another key's serial", v3, func(p *posted) { p.header.Set("Wechatpay-Serial", "PUB_KEY_ID_0") }, ""},
		{"v3 stale", v3, func(p *posted) {
			p.header.Set("Wechatpay-Timestamp", strconv.FormatInt(time.Now().Add(-10*time.Minute).Unix(), 10))
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := posted{tt.in.header.Clone(), tt.in.body}
			tt.change(&p)
			no, res, err := n.VerifyNotify(p.request())
			if tt.no == "" {
				if !errors.Is(err, ErrNotification) {
					t.Errorf("verified a changed notification: %s %+v, %v", no, res, err)
				}
				return
			}
			if err != nil || no != tt.no || res.Status != pos.StatusSuccess || res.Amount != 1234 || res.TradeNo == "" {
				t.Errorf("VerifyNotify = %q %+v, %v", no, res, err)
			}
		})
	}
	wrongKey, _ := e.c.Notifier(strings.Repeat("k", 32))
	if _, _, err := wrongKey.VerifyNotify(v3.request()); !errors.Is(err, ErrNotification) {
		t.Errorf("decrypted with another APIv3 key: %v", err)
	}
}

// FuzzVerifyNotification: whatever v2 body is posted, verification never
// panics and accepts only the notification as signed.
func FuzzVerifyNotification(f *testing.F) {
	e := newEnv(f, nil, nil)
	n, _ := e.c.Notifier(e.cred.WeChat.APIv3Key)
	v2, _, no2, _ := e.notifications(f)
	f.Add(v2.body)
	f.Add(strings.Replace(v2.body, "1234", "1", 1))
	f.Add("<xml><sign>x</sign></xml>")
	f.Fuzz(func(t *testing.T, body string) {
		no, res, err := n.VerifyNotify(httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body)))
		if err == nil && (no != no2 || res.Amount != 1234) {
			t.Fatalf("accepted %q as %s %+v", body, no, res)
		}
	})
}
