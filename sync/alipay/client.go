package alipay

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"zhanggui/sync/pemkey"
)

// ProductionGateway is Alipay's OpenAPI gateway.
const ProductionGateway = "https://openapi.alipay.com/gateway.do"

// DefaultTimeout bounds one call when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// DefaultQRTimeout is how long a precreated QR stays payable when
// Config.QRTimeout is zero. Alipay's own default is 2 h, far longer than the
// till shows a QR; a QR the till gave up on should not stay payable.
const DefaultQRTimeout = 5 * time.Minute

// maxResponse bounds a response body: Alipay's answers are a few KB.
const maxResponse = 1 << 20

// beijing is China Standard Time: Alipay reads timestamps in it. A fixed
// zone, so the till does not depend on the machine's tzdata.
var beijing = time.FixedZone("CST", 8*3600)

// Config configures a Client.
type Config struct {
	AppID              string // the application's app_id
	PrivateKeyPEM      string // the application private key (PKCS#8 or PKCS#1): signs requests
	AlipayPublicKeyPEM string // Alipay's public key (PKIX or PKCS#1): verifies responses
	Gateway            string // the gateway URL; "" means ProductionGateway
	// Timeout bounds each call, on top of the caller's context (0: 10 s).
	Timeout time.Duration
	// QRTimeout is the timeout_express of a precreated QR, in whole minutes
	// (0: DefaultQRTimeout; negative: not sent, Alipay's 2 h applies).
	QRTimeout time.Duration
	// HTTPClient sends the requests (nil: a client of its own). Its own
	// Timeout, if any, applies besides Config.Timeout.
	HTTPClient *http.Client
	// Now is the clock for request timestamps (nil: time.Now).
	Now func() time.Time
}

// Client calls Alipay. It is safe for concurrent use.
type Client struct {
	cfg     Config
	key     *rsa.PrivateKey
	alipay  *rsa.PublicKey
	hc      *http.Client
	timeout time.Duration

	mu sync.Mutex
	qr recentSet // out_trade_nos precreated by this client: Cancel closes them
}

// New checks cfg and parses its keys.
func New(cfg Config) (*Client, error) {
	if cfg.AppID == "" {
		return nil, errors.New("alipay: config: no app_id")
	}
	key, err := parsePrivateKey(cfg.PrivateKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("alipay: config: app private key: %w", err)
	}
	pub, err := parsePublicKey(cfg.AlipayPublicKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("alipay: config: alipay public key: %w", err)
	}
	if cfg.Gateway == "" {
		cfg.Gateway = ProductionGateway
	}
	if _, err := url.ParseRequestURI(cfg.Gateway); err != nil {
		return nil, fmt.Errorf("alipay: config: gateway: %w", err)
	}
	c := &Client{cfg: cfg, key: key, alipay: pub, hc: cfg.HTTPClient, timeout: cfg.Timeout}
	if c.hc == nil {
		c.hc = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	if c.cfg.Now == nil {
		c.cfg.Now = time.Now
	}
	c.qr = newRecentSet(4096)
	return c, nil
}

// call signs and sends one request, then checks and decodes the answer. Any
// error means the answer cannot be trusted: the caller reports Unknown.
func (c *Client) call(ctx context.Context, method string, biz any) (node, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	form, err := c.form(method, biz)
	if err != nil {
		return node{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.Gateway, strings.NewReader(form))
	if err != nil {
		return node{}, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
	resp, err := c.hc.Do(req)
	if err != nil {
		return node{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse+1))
	switch {
	case err != nil:
		return node{}, fmt.Errorf("read answer: %w", err)
	case len(body) > maxResponse:
		return node{}, fmt.Errorf("answer longer than %d bytes: %w", maxResponse, ErrMalformed)
	case resp.StatusCode != http.StatusOK:
		return node{}, fmt.Errorf("HTTP %d: %w", resp.StatusCode, ErrHTTPStatus)
	}
	return decodeResponse(body, nodeName(method), c.alipay)
}

// form builds the signed form body: every parameter, biz_content included,
// goes in the body (smartwalle's layout; the gateway accepts both).
func (c *Client) form(method string, biz any) (string, error) {
	bizJSON, err := json.Marshal(biz)
	if err != nil {
		return "", fmt.Errorf("encode biz_content: %w", err)
	}
	p := map[string]string{
		"app_id": c.cfg.AppID, "method": method, "format": "JSON", "charset": "utf-8",
		"sign_type": "RSA2", "version": "1.0", "biz_content": string(bizJSON),
		"timestamp": c.cfg.Now().In(beijing).Format("2006-01-02 15:04:05"),
	}
	sig, err := sign(c.key, signContent(p))
	if err != nil {
		return "", err
	}
	v := url.Values{}
	for k, s := range p {
		v.Set(k, s)
	}
	v.Set("sign", sig)
	return v.Encode(), nil
}

// nodeName is the response node of a method: dots become underscores.
func nodeName(method string) string { return strings.ReplaceAll(method, ".", "_") + "_response" }

// signContent is what RSA2 signs (PROTOCOLS.md §1.2): every parameter but
// sign, empty values dropped, sorted by key, joined raw as k=v&….
func signContent(p map[string]string) string {
	keys := make([]string, 0, len(p))
	for k, v := range p {
		if k != "sign" && v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k + "=" + p[k])
	}
	return b.String()
}

// sign is SHA256withRSA (PKCS#1 v1.5) in standard base64.
func sign(k *rsa.PrivateKey, content string) (string, error) {
	h := sha256.Sum256([]byte(content))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, h[:])
	if err != nil {
		return "", fmt.Errorf("sign request: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// verify checks a base64 SHA256withRSA signature over msg.
func verify(k *rsa.PublicKey, msg []byte, sigB64 string) error {
	sig, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil {
		return fmt.Errorf("%w: not base64", ErrBadSignature)
	}
	h := sha256.Sum256(msg)
	if err := rsa.VerifyPKCS1v15(k, crypto.SHA256, h[:], sig); err != nil {
		return ErrBadSignature
	}
	return nil
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

// The keys are read by the shared PEM reader (bare base64 from Alipay's
// key tool too).
var (
	parsePrivateKey = pemkey.ParsePrivate
	parsePublicKey  = pemkey.ParsePublic
)
