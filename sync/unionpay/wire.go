package unionpay

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultTimeout bounds one call when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// maxSkew is how far an answer's timestamp may be from the till's clock.
const maxSkew = 300 * time.Second

// maxResponse bounds a response body: the acquirer's answers are small.
const maxResponse = 1 << 20

// Errors in the chain of an Unknown result, for errors.Is and the log.
var (
	ErrBadSignature = errors.New("unionpay: response signature does not verify")
	ErrUnsigned     = errors.New("unionpay: response is not signed")
	ErrMalformed    = errors.New("unionpay: malformed response")
	ErrHTTPStatus   = errors.New("unionpay: unexpected HTTP status")
	ErrSystemError  = errors.New("unionpay: system error, outcome unknown")
	ErrUnexpected   = errors.New("unionpay: unexpected answer")
)

// Config configures a Client.
type Config struct {
	// BaseURL is the acquirer API's root (the simulator's is
	// http://host/acquirer); requests go to BaseURL + "/v1/…" and are signed
	// over the "/v1/…" path.
	BaseURL    string
	MerchantID string // the acquirer's merchant number (X-Acq-Merchant)
	HMACKeyHex string // the shared key: 64 hex digits
	StoreID    string // store_id sent with payments (optional)
	// QRTimeout is how long a precreated QR stays payable, whole seconds
	// from 60 to 7200 (0: DefaultQRTimeout).
	QRTimeout time.Duration
	// Timeout bounds each call, on top of the caller's context (0: 10 s).
	Timeout time.Duration
	// HTTPClient sends the requests (nil: a client of its own).
	HTTPClient *http.Client
	// Now is the clock for timestamps (nil: time.Now).
	Now func() time.Time
}

// Client calls the acquirer. It is safe for concurrent use.
type Client struct {
	cfg     Config
	key     []byte
	hc      *http.Client
	timeout time.Duration
	qr      qrOrders // order numbers precreated here: Cancel closes them (qr.go)
}

// New checks cfg.
func New(cfg Config) (*Client, error) {
	key, err := hex.DecodeString(cfg.HMACKeyHex)
	switch {
	case cfg.MerchantID == "":
		return nil, errors.New("unionpay: config: no merchant id")
	case err != nil || len(key) != 32:
		return nil, errors.New("unionpay: config: the HMAC key must be 64 hex digits")
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if _, err := url.ParseRequestURI(cfg.BaseURL); err != nil {
		return nil, fmt.Errorf("unionpay: config: base URL: %w", err)
	}
	c := &Client{cfg: cfg, key: key, hc: cfg.HTTPClient, timeout: cfg.Timeout}
	if c.hc == nil {
		c.hc = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.cfg.Now == nil {
		c.cfg.Now = time.Now
	}
	return c, nil
}

// request holds the fields of every call; empty ones are left out.
type request struct {
	OrderNo   string      `json:"order_no,omitempty"`
	RefundNo  string      `json:"refund_no,omitempty"`
	QRNo      string      `json:"qr_no,omitempty"`
	AmountFen json.Number `json:"amount_fen,omitempty"`
	Subject   string      `json:"subject,omitempty"`
	Reason    string      `json:"reason,omitempty"`
	StoreID   string      `json:"store_id,omitempty"`
	// ExpireSeconds is a QR's life (qr.go).
	ExpireSeconds int64 `json:"expire_seconds,omitempty"`
}

// answer holds the fields of every answer.
type answer struct {
	RespCode     string    `json:"resp_code"`
	RespMsg      string    `json:"resp_msg"`
	OrderNo      string    `json:"order_no"`
	TxnNo        string    `json:"txn_no"`
	Wallet       string    `json:"wallet"`
	Status       string    `json:"status"`
	Amount       fenAmount `json:"amount_fen"`
	Refunded     fenAmount `json:"refunded_fen"`
	OrigRespCode string    `json:"orig_resp_code"`
	VoucherNo    string    `json:"voucher_no"`
	MaskedPAN    string    `json:"masked_pan"`
	RefundNo     string    `json:"refund_no"`
	RefundTxnNo  string    `json:"refund_txn_no"`
	QRCode       string    `json:"qr_code"` // precreate (qr.go)
}

// codes is resp_code and status, for ProviderResult.Code.
func (a answer) codes() string {
	return strings.TrimSpace(a.RespCode + " " + a.Status)
}

// call signs and posts one request and returns the verified answer. Any
// error means the answer cannot be trusted.
func (c *Client) call(ctx context.Context, path string, q request) (answer, error) {
	body, err := json.Marshal(q)
	if err != nil {
		return answer{}, fmt.Errorf("encode request: %w", err)
	}
	raw, _, err := c.send(ctx, path, body, maxResponse, c.timeout)
	if err != nil {
		return answer{}, err
	}
	return parseAnswer(raw)
}

// send signs body, posts it to path and returns the answer's bytes (at
// most limit) and content type once its signature verified; any error
// means the answer cannot be trusted. The signature is computed without
// turning the body into a string: a card call's body holds a PAN, and the
// caller wipes the body after the call.
func (c *Client) send(ctx context.Context, path string, body []byte, limit int, timeout time.Duration) ([]byte, string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		return nil, "", fmt.Errorf("build request: %w", err)
	}
	ts, n := strconv.FormatInt(c.cfg.Now().Unix(), 10), nonce()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Acq-Merchant", c.cfg.MerchantID)
	req.Header.Set("X-Acq-Timestamp", ts)
	req.Header.Set("X-Acq-Nonce", n)
	req.Header.Set("X-Acq-Signature", c.macBytes(http.MethodPost, path, ts, n, body))
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, int64(limit)+1))
	switch {
	case err != nil:
		return nil, "", fmt.Errorf("read answer: %w", err)
	case len(raw) > limit:
		return nil, "", fmt.Errorf("answer longer than %d bytes: %w", limit, ErrMalformed)
	case resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusUnauthorized:
		return nil, "", fmt.Errorf("HTTP %d: %w", resp.StatusCode, ErrHTTPStatus)
	}
	if err := c.verify(resp.Header, raw); err != nil {
		return nil, "", err
	}
	return raw, resp.Header.Get("Content-Type"), nil
}

// verify checks an answer's X-Acq-Timestamp, -Nonce and -Signature.
func (c *Client) verify(h http.Header, body []byte) error {
	ts, n, sig := h.Get("X-Acq-Timestamp"), h.Get("X-Acq-Nonce"), h.Get("X-Acq-Signature")
	if ts == "" || n == "" || sig == "" {
		return ErrUnsigned
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q", ErrBadSignature, ts)
	}
	if d := c.cfg.Now().Sub(time.Unix(sec, 0)); d >= maxSkew || d <= -maxSkew {
		return fmt.Errorf("%w: timestamp %s is %v off", ErrBadSignature, ts, d)
	}
	want := c.mac(ts + "\n" + n + "\n" + string(body) + "\n")
	if !hmac.Equal([]byte(strings.ToLower(sig)), []byte(want)) {
		return ErrBadSignature
	}
	return nil
}

// mac is hex(HMAC-SHA256(key, msg)).
func (c *Client) mac(msg string) string {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// parseAnswer decodes an answer; it must be one JSON object with a
// resp_code, and field types must match.
func parseAnswer(b []byte) (answer, error) {
	var a answer
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&a); err != nil {
		return answer{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return answer{}, fmt.Errorf("%w: data after the answer", ErrMalformed)
	}
	if len(a.RespCode) != 2 {
		return answer{}, fmt.Errorf("%w: resp_code %q", ErrMalformed, a.RespCode)
	}
	return a, nil
}

// nonce is a 32-character random string.
func nonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}
