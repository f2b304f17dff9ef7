package wechatpay

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// ProductionBaseURL is WeChat Pay's API host.
const ProductionBaseURL = "https://api.mch.weixin.qq.com"

// DefaultTimeout bounds one call when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// DefaultQRTimeout is how long a Native QR stays payable when
// Config.QRTimeout is zero: WeChat's own 2 h is far longer than the till
// shows a QR, and a QR the till gave up on should not stay payable.
const DefaultQRTimeout = 5 * time.Minute

// maxResponse bounds a response body: WeChat's answers are a few KB.
const maxResponse = 1 << 20

// beijing is China Standard Time, as a fixed zone (no tzdata needed).
var beijing = time.FixedZone("CST", 8*3600)

// Config configures a Client. The v2 fields are required; the v3 ones only
// for Precreate (Native QR) and closing a Native order.
type Config struct {
	AppID    string // appid bound to the merchant
	MchID    string // mch_id
	APIv2Key string // the 32-character APIv2 key: signs v2 requests, verifies v2 answers
	SignType string // SignHMACSHA256 (default) or SignMD5

	// MerchantPrivateKeyPEM (apiclient_key.pem) signs v3 requests and, with
	// MerchantCertPEM (apiclient_cert.pem), is the client certificate
	// /secapi (reverse, refund) requires. Without the certificate no client
	// certificate is sent.
	MerchantPrivateKeyPEM string
	MerchantCertPEM       string
	MerchantSerial        string // the merchant certificate's serial_no, for v3 Authorization
	// WechatPayPublicKeyPEM verifies v3 answers: the WeChat Pay public key
	// (public-key mode) or the platform certificate, in PEM.
	WechatPayPublicKeyPEM string
	// WechatPaySerial is the Wechatpay-Serial v3 answers must carry:
	// PUB_KEY_ID_… or the platform certificate's serial.
	WechatPaySerial string
	// NotifyURL is sent with Native orders (WeChat requires one). The till
	// never depends on it: it polls.
	NotifyURL string

	BaseURL    string // "" means ProductionBaseURL
	DeviceInfo string // device_info: the till's terminal number (optional)
	DeviceIP   string // spbill_create_ip (default 127.0.0.1)
	// Timeout bounds each call, on top of the caller's context (0: 10 s).
	Timeout time.Duration
	// QRTimeout is how long a Native QR stays payable (0: DefaultQRTimeout).
	QRTimeout time.Duration
	// HTTPClient sends the requests (nil: a client of its own). With a
	// merchant certificate, its Transport must be an *http.Transport (or
	// nil), which /secapi calls use a clone of.
	HTTPClient *http.Client
	// Now is the clock for v3 timestamps and expiry times (nil: time.Now).
	Now func() time.Time
}

// Client calls WeChat Pay. It is safe for concurrent use.
type Client struct {
	cfg     Config
	hc      *http.Client // /pay/…
	sec     *http.Client // /secapi/…: with the client certificate
	v3      *v3Keys      // nil: Native not configured
	timeout time.Duration

	mu     sync.Mutex
	native recentSet // out_trade_nos precreated here: Cancel closes them
}

// New checks cfg and prepares the HTTP clients and keys.
func New(cfg Config) (*Client, error) {
	if err := checkV2(&cfg); err != nil {
		return nil, err
	}
	if _, err := url.ParseRequestURI(cfg.BaseURL); err != nil {
		return nil, fmt.Errorf("wechatpay: config: base URL: %w", err)
	}
	c := &Client{cfg: cfg, hc: cfg.HTTPClient, timeout: cfg.Timeout, native: newRecentSet(4096)}
	if c.hc == nil {
		c.hc = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	var err error
	if c.sec, err = secClient(c.hc, cfg); err != nil {
		return nil, err
	}
	if cfg.MerchantPrivateKeyPEM != "" && cfg.WechatPayPublicKeyPEM != "" {
		if c.v3, err = newV3Keys(cfg); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// checkV2 validates the v2 settings and fills defaults.
func checkV2(cfg *Config) error {
	switch {
	case cfg.AppID == "" || cfg.MchID == "":
		return errors.New("wechatpay: config: appid and mch_id are required")
	case len(cfg.APIv2Key) != 32:
		return errors.New("wechatpay: config: the APIv2 key must have 32 characters")
	case cfg.SignType == "":
		cfg.SignType = SignHMACSHA256
	case cfg.SignType != SignMD5 && cfg.SignType != SignHMACSHA256:
		return fmt.Errorf("wechatpay: config: sign type %q", cfg.SignType)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = ProductionBaseURL
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.DeviceIP == "" {
		cfg.DeviceIP = "127.0.0.1"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return nil
}

// secClient is hc with the merchant's client certificate, for /secapi.
func secClient(hc *http.Client, cfg Config) (*http.Client, error) {
	if cfg.MerchantCertPEM == "" {
		return hc, nil
	}
	cert, err := tls.X509KeyPair([]byte(cfg.MerchantCertPEM), []byte(cfg.MerchantPrivateKeyPEM))
	if err != nil {
		return nil, fmt.Errorf("wechatpay: config: merchant certificate: %w", err)
	}
	var tr *http.Transport
	switch t := hc.Transport.(type) {
	case nil:
		tr = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		tr = t.Clone()
	default:
		return nil, fmt.Errorf("wechatpay: config: cannot add a client certificate to a %T", t)
	}
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{}
	}
	tr.TLSClientConfig.Certificates = []tls.Certificate{cert}
	sec := *hc
	sec.Transport = tr
	return &sec, nil
}

// callV2 signs and posts one v2 request and returns the answer's fields
// once its return_code is SUCCESS, its signature verifies and it names our
// merchant. Any error means the answer cannot be trusted.
func (c *Client) callV2(ctx context.Context, path string, fields map[string]string) (map[string]string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	fields["appid"], fields["mch_id"], fields["nonce_str"] = c.cfg.AppID, c.cfg.MchID, nonce()
	fields["sign_type"] = c.cfg.SignType
	fields["sign"] = signV2(fields, c.cfg.APIv2Key, c.cfg.SignType)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+path, bytes.NewReader(encodeXML(fields)))
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	hc := c.hc
	if strings.HasPrefix(path, "/secapi/") {
		hc = c.sec
	}
	status, body, _, err := send(hc, req)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d: %w", status, ErrHTTPStatus)
	}
	return c.checkV2Answer(body)
}

// checkV2Answer parses and authenticates a v2 answer.
func (c *Client) checkV2Answer(body []byte) (map[string]string, error) {
	m, err := parseXML(body)
	switch {
	case err != nil:
		return nil, err
	case m["return_code"] != "SUCCESS":
		// FAIL is unsigned by protocol: the request was not processed, but an
		// unsigned word decides nothing about money.
		return m, fmt.Errorf("%w: %s %s", ErrReturnFail, m["return_code"], m["return_msg"])
	}
	if err := verifyV2(m, c.cfg.APIv2Key, c.cfg.SignType); err != nil {
		return m, err
	}
	if m["appid"] != "" && m["appid"] != c.cfg.AppID || m["mch_id"] != "" && m["mch_id"] != c.cfg.MchID {
		return m, fmt.Errorf("%w: answer for appid %q, mch_id %q", ErrUnexpected, m["appid"], m["mch_id"])
	}
	return m, nil
}

// send runs req and reads a bounded body.
func send(hc *http.Client, req *http.Request) (int, []byte, http.Header, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	switch {
	case err != nil:
		return 0, nil, nil, fmt.Errorf("read answer: %w", err)
	case len(body) > maxResponse:
		return 0, nil, nil, fmt.Errorf("answer longer than %d bytes: %w", maxResponse, ErrMalformed)
	}
	return resp.StatusCode, body, resp.Header, nil
}

// nonce is a 32-character random string for nonce_str.
func nonce() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// recentSet remembers the last n strings added, oldest forgotten first.
type recentSet struct {
	set   map[string]struct{}
	order []string
	max   int
}

func newRecentSet(n int) recentSet { return recentSet{set: map[string]struct{}{}, max: n} }

func (r *recentSet) add(s string) {
	if _, ok := r.set[s]; ok {
		return
	}
	if len(r.order) == r.max {
		delete(r.set, r.order[0])
		r.order = r.order[1:]
	}
	r.set[s] = struct{}{}
	r.order = append(r.order, s)
}

func (r *recentSet) has(s string) bool { _, ok := r.set[s]; return ok }
