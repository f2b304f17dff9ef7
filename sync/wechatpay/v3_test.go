package wechatpay

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/sync/providersim"
)

func (e *env) precreate(t *testing.T, c *Client, amount money.Fen) string {
	t.Helper()
	no := newNo("N")
	res, err := c.Precreate(ctx, pos.PayRequest{OutTradeNo: no, Amount: amount, Subject: "扫码付"})
	want(t, "Precreate", res, err, pos.StatusWaiting)
	if !strings.HasPrefix(res.QR, "weixin://wxpay/bizpayurl") {
		t.Fatalf("QR %q", res.QR)
	}
	return no
}

func TestPrecreateCustomerPays(t *testing.T) {
	e := newEnv(t, nil, nil)
	no := e.precreate(t, e.c, 2599)
	q, err := e.c.Query(ctx, no)
	want(t, "Query before paying", q, err, pos.StatusWaiting) // NOTPAY
	if q.Code != "NOTPAY" {
		t.Errorf("Query code %q, want NOTPAY", q.Code)
	}
	if err := e.sim.CustomerPay(no); err != nil {
		t.Fatal(err)
	}
	q, err = e.c.Query(ctx, no)
	want(t, "Query after the customer paid", q, err, pos.StatusSuccess)
	if q.Amount != 2599 || q.TradeNo == "" {
		t.Errorf("Query = %+v", q)
	}
	// Paid at the last moment: close is refused, nothing is returned
	// behind the cashier's back, and the sale can stand.
	c, err := e.c.Cancel(ctx, no)
	want(t, "Cancel of a paid QR", c, err, pos.StatusFailed)
	if net, n, back := e.net(no); net != 2599 || n != 1 || back != 0 {
		t.Errorf("net %v after %d payments, %d returns", net, n, back)
	}
	r, err := e.c.Refund(ctx, pos.RefundRequest{OutTradeNo: no, OutRefundNo: "NR1", Amount: 2599, Total: 2599})
	want(t, "Refund of the QR payment", r, err, pos.StatusSuccess)
	if net, _, _ := e.net(no); net != 0 {
		t.Errorf("net %v after the refund", net)
	}
}

func TestPrecreateCancel(t *testing.T) {
	e := newEnv(t, nil, nil)
	no := e.precreate(t, e.c, 100)
	res, err := e.c.Cancel(ctx, no)
	want(t, "Cancel (close)", res, err, pos.StatusClosed)
	if res.Code != "204" {
		t.Errorf("Cancel code %q, want 204", res.Code)
	}
	if err := e.sim.CustomerPay(no); err == nil {
		t.Error("the customer paid a closed QR")
	}
	q, err := e.c.Query(ctx, no)
	want(t, "Query", q, err, pos.StatusClosed)
}

// TestPrecreateCancelAfterRestart: a client that did not make the QR (the
// till restarted) still closes it: WeChat refuses to reverse a Native
// order, and the client closes it instead.
func TestPrecreateCancelAfterRestart(t *testing.T) {
	e := newEnv(t, nil, nil)
	no := e.precreate(t, e.c, 100)
	fresh := e.client(t, nil)
	res, err := fresh.Cancel(ctx, no)
	want(t, "Cancel by a fresh client", res, err, pos.StatusClosed)
	if err := e.sim.CustomerPay(no); err == nil {
		t.Error("the customer paid a closed QR")
	}
}

func TestPrecreateQRExpires(t *testing.T) {
	e := newEnv(t, nil, func(c *Config) { c.QRTimeout = 90 * time.Second })
	no := e.precreate(t, e.c, 100)
	e.clock.Advance(91 * time.Second)
	if err := e.sim.CustomerPay(no); !errors.Is(err, providersim.ErrQRExpired) {
		t.Errorf("CustomerPay after the QR's 90 s: %v, want ErrQRExpired", err)
	}
}

func TestPrecreateUnknown(t *testing.T) {
	tests := []struct {
		name   string
		b      providersim.Behaviour
		target error
		after  pos.ProviderStatus
	}{
		{"bad signature", providersim.BadSignature, ErrBadSignature, pos.StatusWaiting},
		{"system error, created", providersim.SystemErrorHiddenSuccess, ErrSystemError, pos.StatusWaiting},
		{"system error, nothing done", providersim.SystemErrorHiddenFail, ErrSystemError, pos.StatusNotFound},
		{"dropped", providersim.DropConnectionAfterCharge, nil, pos.StatusWaiting},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil, nil)
			no := newNo("N")
			e.sim.Script(providersim.OnOutTradeNo(no), tt.b)
			res, err := e.c.Precreate(ctx, pos.PayRequest{OutTradeNo: no, Amount: 100})
			want(t, "Precreate", res, err, pos.StatusUnknown)
			if tt.target != nil {
				wantErr(t, "Precreate", err, tt.target)
			}
			q, err := e.c.Query(ctx, no)
			want(t, "Query", q, err, tt.after)
		})
	}
}

func TestPrecreateNotConfigured(t *testing.T) {
	e := newEnv(t, nil, func(c *Config) { c.WechatPayPublicKeyPEM = "" })
	res, err := e.c.Precreate(ctx, pos.PayRequest{OutTradeNo: newNo("N"), Amount: 100})
	if res.Status != pos.StatusFailed || pos.ErrorCode(err) != pos.CodeInvalid || res.Reason != reasonNoNative {
		t.Errorf("Precreate without v3 = %+v, %v", res, err)
	}
}

func TestPrecreateWrongMerchantKey(t *testing.T) {
	e := newEnv(t, nil, nil)
	c := e.client(t, func(c *Config) {
		c.MerchantPrivateKeyPEM, c.MerchantCertPEM = e.cred.WeChat.PlatformPrivateKeyPEM, ""
	})
	res, err := c.Precreate(ctx, pos.PayRequest{OutTradeNo: newNo("N"), Amount: 100})
	want(t, "Precreate signed with the wrong key", res, err, pos.StatusFailed) // signed 401 SIGN_ERROR
	if !strings.Contains(res.Code, "SIGN_ERROR") || !strings.Contains(res.Reason, "管理员") {
		t.Errorf("Precreate = %+v", res)
	}
}

func TestVerifyV3(t *testing.T) {
	e := newEnv(t, nil, nil)
	key, err := parsePrivateKey(e.cred.WeChat.PublicKeyPrivatePEM)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"code_url":"weixin://wxpay/bizpayurl?pr=abc"}`)
	headers := func(ts time.Time, serial string, b []byte) http.Header {
		sec := strconv.FormatInt(ts.Unix(), 10)
		sum := sha256.Sum256([]byte(sec + "\nNONCE\n" + string(b) + "\n"))
		sig, _ := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
		h := http.Header{}
		h.Set("Wechatpay-Timestamp", sec)
		h.Set("Wechatpay-Nonce", "NONCE")
		h.Set("Wechatpay-Serial", serial)
		h.Set("Wechatpay-Signature", base64.StdEncoding.EncodeToString(sig))
		return h
	}
	now, serial := e.clock.Now(), e.cred.WeChat.PublicKeyID
	tests := []struct {
		name string
		h    http.Header
		body []byte
		want error
	}{
		{"good", headers(now, serial, body), body, nil},
		{"4 min old", headers(now.Add(-4*time.Minute), serial, body), body, nil},
		{"6 min old", headers(now.Add(-6*time.Minute), serial, body), body, ErrBadSignature},
		{"from the future", headers(now.Add(6*time.Minute), serial, body), body, ErrBadSignature},
		{"another serial", headers(now, "PUB_KEY_ID_OTHER", body), body, ErrBadSignature},
		{"changed body", headers(now, serial, body), []byte(`{"code_url":"weixin://evil"}`), ErrBadSignature},
		{"no headers", http.Header{}, body, ErrUnsigned},
	}
	for _, tt := range tests {
		if err := e.c.verifyV3(tt.h, tt.body); !errors.Is(err, tt.want) && !(tt.want == nil && err == nil) {
			t.Errorf("%s: verifyV3 = %v, want %v", tt.name, err, tt.want)
		}
	}
}

// TestV3UnsignedError: an unsigned error answer decides nothing.
func TestV3UnsignedError(t *testing.T) {
	e := newEnv(t, nil, nil)
	c := e.client(t, func(c *Config) {
		c.BaseURL = fixed(t, http.StatusBadRequest, `{"code":"PARAM_ERROR","message":"x"}`)
	})
	res, err := c.Precreate(context.Background(), pos.PayRequest{OutTradeNo: newNo("N"), Amount: 100})
	want(t, "Precreate", res, err, pos.StatusUnknown)
	wantErr(t, "Precreate", err, ErrUnsigned)
}
