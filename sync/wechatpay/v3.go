package wechatpay

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"zhanggui/pos"

	"zhanggui/sync/pemkey"
)

// maxSkew is how far a v3 answer's Wechatpay-Timestamp may be from the
// till's clock, as WeChat's SDK checks (PROTOCOLS.md §2.2).
const maxSkew = 300 * time.Second

// v3Keys are the parsed v3 keys.
type v3Keys struct {
	merchant *rsa.PrivateKey
	platform *rsa.PublicKey
}

// newV3Keys parses the v3 settings.
func newV3Keys(cfg Config) (*v3Keys, error) {
	if cfg.MerchantSerial == "" || cfg.WechatPaySerial == "" {
		return nil, errors.New("wechatpay: config: v3 needs the merchant serial and the WeChat Pay serial")
	}
	k, err := parsePrivateKey(cfg.MerchantPrivateKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: config: merchant private key: %w", err)
	}
	pub, err := parsePublicKey(cfg.WechatPayPublicKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("wechatpay: config: WeChat Pay public key: %w", err)
	}
	return &v3Keys{merchant: k, platform: pub}, nil
}

// v3Error is the body of a v3 error answer.
type v3Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// v3Answer is a verified v3 answer.
type v3Answer struct {
	status int
	body   []byte
	err    v3Error // for a status other than 2xx
}

// callV3 signs and sends one v3 request (path with its query, as signed),
// then verifies the answer's signature, whatever its status. Any error
// means the answer cannot be trusted.
func (c *Client) callV3(ctx context.Context, method, path string, body any) (v3Answer, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return v3Answer{}, fmt.Errorf("encode request: %w", err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, c.cfg.BaseURL+path, bytes.NewReader(payload))
	if err != nil {
		return v3Answer{}, fmt.Errorf("build request: %w", err)
	}
	auth, err := c.authorization(method, path, payload)
	if err != nil {
		return v3Answer{}, err
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Wechatpay-Serial", c.cfg.WechatPaySerial)
	status, resp, hdr, err := send(c.hc, req)
	if err != nil {
		return v3Answer{}, err
	}
	if err := c.verifyV3(hdr, resp); err != nil {
		return v3Answer{status: status, body: resp}, err // the body only to say what came back
	}
	a := v3Answer{status: status, body: resp}
	if status/100 != 2 {
		if err := json.Unmarshal(resp, &a.err); err != nil {
			return a, fmt.Errorf("%w: HTTP %d: %v", ErrMalformed, status, err)
		}
	}
	return a, nil
}

// authorization is the WECHATPAY2-SHA256-RSA2048 header (PROTOCOLS.md
// §2.2): SHA256withRSA over METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n, where URL
// is the path and query as the API documents them.
func (c *Client) authorization(method, path string, body []byte) (string, error) {
	ts, n := strconv.FormatInt(c.cfg.Now().Unix(), 10), nonce()
	msg := method + "\n" + path + "\n" + ts + "\n" + n + "\n" + string(body) + "\n"
	h := sha256.Sum256([]byte(msg))
	sig, err := rsa.SignPKCS1v15(rand.Reader, c.v3.merchant, crypto.SHA256, h[:])
	if err != nil {
		return "", fmt.Errorf("sign request: %w", err)
	}
	return fmt.Sprintf(`WECHATPAY2-SHA256-RSA2048 mchid="%s",nonce_str="%s",timestamp="%s",serial_no="%s",signature="%s"`,
		c.cfg.MchID, n, ts, c.cfg.MerchantSerial, base64.StdEncoding.EncodeToString(sig)), nil
}

// verifyV3 checks an answer's Wechatpay-* headers: the serial we trust, a
// timestamp near our clock, and SHA256withRSA over TIMESTAMP\nNONCE\nBODY\n.
func (c *Client) verifyV3(h http.Header, body []byte) error {
	serial, sig := h.Get("Wechatpay-Serial"), h.Get("Wechatpay-Signature")
	ts, n := h.Get("Wechatpay-Timestamp"), h.Get("Wechatpay-Nonce")
	if sig == "" || ts == "" || n == "" {
		return ErrUnsigned
	}
	if serial != c.cfg.WechatPaySerial {
		return fmt.Errorf("%w: signed by %q, want %q", ErrBadSignature, serial, c.cfg.WechatPaySerial)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q", ErrBadSignature, ts)
	}
	if d := c.cfg.Now().Sub(time.Unix(sec, 0)); d >= maxSkew || d <= -maxSkew {
		return fmt.Errorf("%w: timestamp %s is %v off", ErrBadSignature, ts, d)
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return fmt.Errorf("%w: not base64", ErrBadSignature)
	}
	sum := sha256.Sum256([]byte(ts + "\n" + n + "\n" + string(body) + "\n"))
	if rsa.VerifyPKCS1v15(c.v3.platform, crypto.SHA256, sum[:], raw) != nil {
		return ErrBadSignature
	}
	return nil
}

// nativeRequest is the body of POST /v3/pay/transactions/native.
type nativeRequest struct {
	AppID       string       `json:"appid"`
	MchID       string       `json:"mchid"`
	Description string       `json:"description"`
	OutTradeNo  string       `json:"out_trade_no"`
	TimeExpire  string       `json:"time_expire,omitempty"`
	NotifyURL   string       `json:"notify_url,omitempty"`
	Amount      nativeAmount `json:"amount"`
	SceneInfo   *sceneInfo   `json:"scene_info,omitempty"`
}

type nativeAmount struct {
	Total    int64  `json:"total"` // fen
	Currency string `json:"currency"`
}

type sceneInfo struct {
	PayerClientIP string `json:"payer_client_ip"`
	DeviceID      string `json:"device_id,omitempty"`
}

// Precreate asks for a Native QR (v3 /v3/pay/transactions/native): Waiting
// with QR set to the code_url. Query then answers Waiting (NOTPAY) until
// the customer pays; Cancel closes the order.
func (c *Client) Precreate(ctx context.Context, r pos.PayRequest) (pos.ProviderResult, error) {
	if c.v3 == nil {
		return invalid("precreate", r.OutTradeNo, reasonNoNative, errors.New("API v3 keys not configured"))
	}
	if _, err := fenString(r.Amount); err != nil {
		return invalid("precreate", r.OutTradeNo, reasonAmount, err)
	}
	c.mu.Lock()
	c.native.add(r.OutTradeNo) // before sending: an unknown answer may still have made it
	c.mu.Unlock()
	req := nativeRequest{AppID: c.cfg.AppID, MchID: c.cfg.MchID, Description: body(r.Subject),
		OutTradeNo: r.OutTradeNo, TimeExpire: c.expiry(), NotifyURL: c.cfg.NotifyURL,
		Amount:    nativeAmount{Total: int64(r.Amount), Currency: "CNY"},
		SceneInfo: &sceneInfo{PayerClientIP: c.cfg.DeviceIP, DeviceID: c.cfg.DeviceInfo}}
	a, err := c.callV3(ctx, http.MethodPost, "/v3/pay/transactions/native", req)
	if err != nil {
		return unknownV3("precreate", r.OutTradeNo, a, err)
	}
	if a.status == http.StatusOK {
		var out struct {
			CodeURL string `json:"code_url"`
		}
		if err := json.Unmarshal(a.body, &out); err != nil || out.CodeURL == "" {
			return unknownV3("precreate", r.OutTradeNo, a, fmt.Errorf("%w: no code_url", ErrMalformed))
		}
		return pos.ProviderResult{Status: pos.StatusWaiting, QR: out.CodeURL, Code: "200", Reason: reasonQR}, nil
	}
	if a.err.Code == "ORDERPAID" || a.err.Code == "ORDER_PAID" {
		return c.Query(ctx, r.OutTradeNo)
	}
	return definiteV3("precreate", r.OutTradeNo, a, payAnswers)
}

// expiry is the time_expire of a Native order, RFC 3339 in Beijing time.
func (c *Client) expiry() string {
	d := c.cfg.QRTimeout
	if d <= 0 {
		d = DefaultQRTimeout
	}
	return c.cfg.Now().Add(d).In(beijing).Format(time.RFC3339)
}

// closeNative closes an unpaid Native order (v3 …/close, 204 No Content).
func (c *Client) closeNative(ctx context.Context, outTradeNo string) (pos.ProviderResult, error) {
	path := "/v3/pay/transactions/out-trade-no/" + url.PathEscape(outTradeNo) + "/close"
	a, err := c.callV3(ctx, http.MethodPost, path, map[string]string{"mchid": c.cfg.MchID})
	switch {
	case err != nil:
		return unknownV3("close", outTradeNo, a, err)
	case a.status == http.StatusNoContent || a.status == http.StatusOK:
		return pos.ProviderResult{Status: pos.StatusClosed, Code: strconv.Itoa(a.status), Reason: reasonClosed}, nil
	case a.status == http.StatusNotFound && a.err.Code == "":
		a.err.Code = "ORDER_NOT_EXIST"
	}
	return definiteV3("close", outTradeNo, a, reverseAnswers)
}

// definiteV3 maps a v3 error answer: 5xx, SYSTEM_ERROR, rate limits and
// unknown codes are Unknown; known codes are definite.
func definiteV3(op, no string, a v3Answer, table map[string]answer) (pos.ProviderResult, error) {
	code := v3Code(a)
	switch a.err.Code {
	case "SYSTEM_ERROR", "SYSTEMERROR", "FREQUENCY_LIMITED", "RATELIMIT_EXCEEDED", "BANKERROR":
		return unknownV3(op, no, a, fmt.Errorf("%w: %s %s", ErrSystemError, code, a.err.Message))
	case "PARAM_ERROR", "INVALID_REQUEST", "SIGN_ERROR", "APPID_MCHID_NOT_MATCH", "MCH_NOT_EXISTS", "NO_AUTH":
		return pos.ProviderResult{Status: pos.StatusFailed, Code: code,
			Reason: reasonConfig + "（" + a.err.Message + "）"}, nil
	}
	if ans, ok := table[a.err.Code]; ok && a.status/100 == 4 {
		return pos.ProviderResult{Status: ans.status, Code: code, Reason: ans.reason}, nil
	}
	return unknownV3(op, no, a, fmt.Errorf("%w: %s %s", ErrUnexpected, code, a.err.Message))
}

// v3Code is the HTTP status and error code, for ProviderResult.Code.
func v3Code(a v3Answer) string {
	if a.status == 0 {
		return ""
	}
	if a.err.Code == "" {
		return strconv.Itoa(a.status)
	}
	return strconv.Itoa(a.status) + " " + a.err.Code
}

func unknownV3(op, no string, a v3Answer, err error) (pos.ProviderResult, error) {
	return pos.ProviderResult{Status: pos.StatusUnknown, Code: v3Code(a), Reason: reasonUnknown},
		pos.Errorf(pos.CodeUnavailable, "wechatpay: %s %s: %w", op, no, err)
}

var (
	parsePrivateKey = pemkey.ParsePrivate
	parsePublicKey  = pemkey.ParsePublic
)
