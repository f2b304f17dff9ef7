package alipay

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"zhanggui/pos"
)

// Asynchronous notifications (PROTOCOLS.md §1.7): Alipay posts a form of
// trade_status_sync parameters to the notify URL. Its signature covers
// every parameter but sign and sign_type, URL-decoded, empty ones kept,
// sorted by key, joined k=v&…; RSA2 with Alipay's public key. The merchant
// acknowledges with the 7 bytes "success".

// ErrNotification means a notification failed verification: bad or
// missing signature, another app's, or malformed.
var ErrNotification = errors.New("alipay: notification does not verify")

// maxNotification bounds a notification body: a few KB in practice.
const maxNotification = 64 << 10

// VerifyNotify reads and verifies a notification request. It returns the
// out_trade_no and the trade as the notification states it: Success for
// TRADE_SUCCESS and TRADE_FINISHED, Closed for TRADE_CLOSED, Waiting for
// WAIT_BUYER_PAY. Any error means the notification must be ignored.
func (c *Client) VerifyNotify(r *http.Request) (string, pos.ProviderResult, error) {
	if r.Method != http.MethodPost {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: method %s", ErrNotification, r.Method)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxNotification+1))
	if err != nil || len(body) > maxNotification {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: body: %v", ErrNotification, err)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: form: %v", ErrNotification, err)
	}
	return c.VerifyNotification(form)
}

// VerifyNotification verifies the parameters of a notification (see
// VerifyNotify).
func (c *Client) VerifyNotification(form url.Values) (string, pos.ProviderResult, error) {
	if err := verify(c.alipay, []byte(notifyContent(form)), form.Get("sign")); err != nil {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: %v", ErrNotification, err)
	}
	if st := form.Get("sign_type"); st != "" && st != "RSA2" {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: sign_type %q", ErrNotification, st)
	}
	if form.Get("app_id") != c.cfg.AppID {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: app_id %q is not ours", ErrNotification, form.Get("app_id"))
	}
	no := form.Get("out_trade_no")
	amount, err := parseYuan(amountText(form.Get("total_amount")))
	if no == "" || err != nil {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: out_trade_no %q, total_amount: %v", ErrNotification, no, err)
	}
	res := pos.ProviderResult{TradeNo: form.Get("trade_no"), Buyer: maskBuyer(form.Get("buyer_logon_id")),
		Amount: amount, Code: form.Get("trade_status")}
	switch res.Code {
	case "TRADE_SUCCESS", "TRADE_FINISHED":
		res.Status = pos.StatusSuccess
	case "TRADE_CLOSED":
		res.Status = pos.StatusClosed
	case "WAIT_BUYER_PAY":
		res.Status = pos.StatusWaiting
	default:
		res.Status = pos.StatusUnknown
	}
	return no, res, nil
}

// notifyContent is what a notification's signature covers.
func notifyContent(form url.Values) string {
	keys := make([]string, 0, len(form))
	for k := range form {
		if k != "sign" && k != "sign_type" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k + "=" + form.Get(k))
	}
	return b.String()
}

// AckNotify answers a notification: "success" once it was taken (err nil),
// so Alipay stops sending it; anything else makes Alipay send it again.
func (c *Client) AckNotify(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, "fail") // the provider's problem if it went away
		return
	}
	_, _ = io.WriteString(w, "success")
}
