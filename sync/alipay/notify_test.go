package alipay

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"zhanggui/pos"
	"zhanggui/sync/providersim"
)

// capture is a merchant endpoint that keeps the notifications it gets and
// acknowledges them.
func capture(t testing.TB, sim *providersim.Sim) chan string {
	t.Helper()
	got := make(chan string, 8)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- string(b)
		_, _ = io.WriteString(w, "success")
	}))
	t.Cleanup(srv.Close)
	sim.SetNotify(providersim.NotifyOptions{URLs: map[providersim.Provider]string{providersim.Alipay: srv.URL}})
	return got
}

// notification pays a code payment of 12.34 and returns its notification.
func (e *env) notification(t testing.TB) (url.Values, pos.PayRequest) {
	t.Helper()
	got := capture(t, e.sim)
	req := e.payReq("u1", 1234)
	if r, err := e.c.Pay(t.Context(), req); err != nil || r.Status != pos.StatusSuccess {
		t.Fatalf("pay: %+v, %v", r, err)
	}
	e.sim.WaitNotifications()
	form, err := url.ParseQuery(<-got)
	if err != nil {
		t.Fatal(err)
	}
	return form, req
}

var notifyTests = []struct {
	name   string
	change func(url.Values)
	ok     bool
}{
	{"as sent", func(url.Values) {}, true},
	{"sign_type left out", func(f url.Values) { f.Del("sign_type") }, true},
	{"amount changed", func(f url.Values) { f.Set("total_amount", "0.01") }, false},
	{"status changed", func(f url.Values) { f.Set("trade_status", "TRADE_CLOSED") }, false},
	{"empty field added", func(f url.Values) { f.Set("body", "") }, false},
	{"no signature", func(f url.Values) { f.Del("sign") }, false},
	{"signature of another message", func(f url.Values) { f.Set("sign", strings.Repeat("A", 344)) }, false},
	{"RSA1 claimed", func(f url.Values) { f.Set("sign_type", "RSA") }, false},
}

func TestVerifyNotification(t *testing.T) {
	e := newEnv(t, nil)
	form, req := e.notification(t)
	for _, tt := range notifyTests {
		t.Run(tt.name, func(t *testing.T) {
			f := url.Values{}
			for k, v := range form {
				f[k] = append([]string(nil), v...)
			}
			tt.change(f)
			r := httptest.NewRequest(http.MethodPost, "/notify/alipay", strings.NewReader(f.Encode()))
			no, res, err := e.c.VerifyNotify(r)
			if !tt.ok {
				if !errors.Is(err, ErrNotification) {
					t.Errorf("verified a changed notification: %s %+v, %v", no, res, err)
				}
				return
			}
			if err != nil || no != req.OutTradeNo || res.Status != pos.StatusSuccess || res.Amount != 1234 || res.TradeNo == "" {
				t.Errorf("VerifyNotify = %q %+v, %v", no, res, err)
			}
		})
	}
	other := e.client(t, func(c *Config) { c.AppID = "2021000000000000" })
	if _, _, err := other.VerifyNotification(form); !errors.Is(err, ErrNotification) {
		t.Errorf("another app's client took it: %v", err)
	}
}

// FuzzVerifyNotification: whatever is posted, verification never panics
// and never accepts anything but the notification as signed.
func FuzzVerifyNotification(f *testing.F) {
	e := newEnv(f, nil)
	form, _ := e.notification(f)
	signed := form.Encode()
	f.Add(signed)
	for _, tt := range notifyTests {
		g, _ := url.ParseQuery(signed)
		tt.change(g)
		f.Add(g.Encode())
	}
	f.Fuzz(func(t *testing.T, body string) {
		no, _, err := e.c.VerifyNotify(httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body)))
		if err != nil {
			return
		}
		got, _ := url.ParseQuery(body)
		if no != form.Get("out_trade_no") || notifyContent(got) != notifyContent(form) {
			t.Fatalf("accepted %q", body)
		}
	})
}
