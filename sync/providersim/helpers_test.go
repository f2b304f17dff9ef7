package providersim

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"zhanggui/pos/money"
)

// sharedDir holds keys generated once for the whole test binary: RSA key
// generation is the slowest part of New.
var sharedDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "providersim-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sharedDir = dir
	if _, err := New(Config{DataDir: dir}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// testClock is a clock tests move by hand. It starts at the real time, so
// third-party v3 clients accept its timestamps.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *testClock { return &testClock{t: time.Now().Truncate(time.Second)} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// env is a simulator on a loopback test server.
type env struct {
	sim   *Sim
	clock *testClock
	srv   *httptest.Server
	cred  Credentials
}

func newEnv(t *testing.T, mod func(*Config)) *env {
	t.Helper()
	clock := newClock()
	cfg := Config{DataDir: sharedDir, Now: clock.Now, Rand: rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))}
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &env{sim: s, clock: clock, srv: srv, cred: s.Credentials()}
}

// payments counts payment charges per out_trade_no and fails the test if
// any was charged twice.
func (e *env) payments(t *testing.T) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, c := range e.sim.Charges() {
		if c.Kind == ChargePayment {
			n[c.Provider.namespace()+"/"+c.OutTradeNo]++
			if n[c.Provider.namespace()+"/"+c.OutTradeNo] > 1 {
				t.Errorf("%s %s charged twice", c.Provider, c.OutTradeNo)
			}
		}
	}
	return n
}

// alipayClient is a minimal Alipay client written apart from the
// simulator's own code: it signs and verifies by the book (§1.2, §1.3).
type alipayClient struct {
	gateway string
	appID   string
	key     *rsa.PrivateKey
	alipay  *rsa.PublicKey
	hc      *http.Client
	split   bool // system parameters in the query string, biz_content in the body
}

func (e *env) alipay(t *testing.T) *alipayClient {
	t.Helper()
	key, err := ParsePrivateKey(e.cred.Alipay.AppPrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKey(e.cred.Alipay.AlipayPublicKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return &alipayClient{gateway: e.srv.URL + "/alipay/gateway.do", appID: e.cred.Alipay.AppID, key: key,
		alipay: pub, hc: &http.Client{Timeout: 20 * time.Second}}
}

// alipayResp is a decoded, verified response node.
type alipayResp map[string]any

func (r alipayResp) str(k string) string { s, _ := r[k].(string); return s }

// call signs and sends one request and verifies the answer's signature.
func (c *alipayClient) call(method string, biz map[string]any) (alipayResp, error) {
	bizJSON, _ := json.Marshal(biz)
	p := map[string]string{"app_id": c.appID, "method": method, "format": "JSON", "charset": "utf-8",
		"sign_type": "RSA2", "timestamp": time.Now().In(beijing).Format("2006-01-02 15:04:05"),
		"version": "1.0", "biz_content": string(bizJSON)}
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		pairs = append(pairs, k+"="+p[k])
	}
	h := sha256.Sum256([]byte(strings.Join(pairs, "&")))
	sig, _ := rsa.SignPKCS1v15(nil, c.key, crypto.SHA256, h[:])
	p["sign"] = base64.StdEncoding.EncodeToString(sig)
	return c.send(method, p)
}

func (c *alipayClient) send(method string, p map[string]string) (alipayResp, error) {
	query, body := url.Values{}, url.Values{}
	for k, v := range p {
		if c.split && k != "biz_content" {
			query.Set(k, v)
		} else {
			body.Set(k, v)
		}
	}
	u := c.gateway
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	resp, err := c.hc.Post(u, "application/x-www-form-urlencoded;charset=utf-8", strings.NewReader(body.Encode()))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return c.verify(method, raw)
}

// verify checks the node-before-sign layout and the signature over the
// node's exact text.
func (c *alipayClient) verify(method string, raw []byte) (alipayResp, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("decode %s: %v", raw, err)
	}
	node := strings.ReplaceAll(method, ".", "_") + "_response"
	nodeRaw, ok := top[node]
	if !ok {
		return nil, fmt.Errorf("no %s in %s", node, raw)
	}
	if !strings.HasPrefix(string(raw), `{"`+node+`":`) {
		return nil, fmt.Errorf("node is not first: %s", raw)
	}
	var sig string
	if err := json.Unmarshal(top["sign"], &sig); err != nil {
		return nil, fmt.Errorf("no sign in %s", raw)
	}
	b, _ := base64.StdEncoding.DecodeString(sig)
	h := sha256.Sum256(nodeRaw)
	if err := rsa.VerifyPKCS1v15(c.alipay, crypto.SHA256, h[:], b); err != nil {
		return nil, errBadSignature
	}
	var r alipayResp
	if err := json.Unmarshal(nodeRaw, &r); err != nil {
		return nil, err
	}
	return r, nil
}

var errBadSignature = fmt.Errorf("response signature does not verify")

// pay is alipay.trade.pay with the usual fields.
func (c *alipayClient) pay(no, code string, amount money.Fen) (alipayResp, error) {
	return c.call("alipay.trade.pay", map[string]any{"out_trade_no": no, "scene": "bar_code",
		"auth_code": code, "subject": "测试商品", "total_amount": amount.String()})
}

func (c *alipayClient) query(no string) alipayResp {
	r, err := c.call("alipay.trade.query", map[string]any{"out_trade_no": no})
	if err != nil {
		return alipayResp{"error": err.Error()}
	}
	return r
}

// want checks code and sub_code of a response.
func want(t *testing.T, what string, r alipayResp, err error, code, sub string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if r.str("code") != code || r.str("sub_code") != sub {
		t.Fatalf("%s = %s/%s (%s), want %s/%s", what, r.str("code"), r.str("sub_code"), r.str("sub_msg"), code, sub)
	}
}

// slowDelay is the delay of the SlowAnswer rows. Those rows check that the
// answer arrives, correct, no sooner: a client timeout shorter than the
// delay would make the test depend on the machine's load.
const slowDelay = 300 * time.Millisecond

// checkSlow fails if an answer scripted to be slow came early.
func checkSlow(t *testing.T, b Behaviour, start time.Time) {
	t.Helper()
	if el := time.Since(start); el < b.slow {
		t.Errorf("answer after %v, want at least %v", el, b.slow)
	}
}

// wantFields checks some fields of a decoded answer or bill row.
func wantFields(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s = %q, want %q (all: %v)", what, k, got[k], v, got)
		}
	}
}
