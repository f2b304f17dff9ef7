package alipay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/sync/providersim"
)

// provider is the method set sync/payments uses; every client has it.
type provider interface {
	Pay(ctx context.Context, r pos.PayRequest) (pos.ProviderResult, error)
	Precreate(ctx context.Context, r pos.PayRequest) (pos.ProviderResult, error)
	Query(ctx context.Context, outTradeNo string) (pos.ProviderResult, error)
	Cancel(ctx context.Context, outTradeNo string) (pos.ProviderResult, error)
	Refund(ctx context.Context, r pos.RefundRequest) (pos.ProviderResult, error)
	RefundQuery(ctx context.Context, outTradeNo, outRefundNo string) (pos.ProviderResult, error)
}

var _ provider = (*Client)(nil)

// simDir holds the simulator's keys, generated once for the test binary:
// RSA key generation is the slow part of providersim.New.
var simDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "alipay-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	simDir = dir
	if _, err := providersim.New(providersim.Config{DataDir: dir}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// clock is a test clock, moved by hand; it starts at the real time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// env is a simulator on loopback and a client configured from its
// credentials only.
type env struct {
	sim   *providersim.Sim
	clock *clock
	srv   *httptest.Server
	cred  providersim.Credentials
	c     *Client
}

func newEnv(t testing.TB, mod func(*Config)) *env {
	t.Helper()
	clk := &clock{t: time.Now()}
	sim, err := providersim.New(providersim.Config{DataDir: simDir, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	e := &env{sim: sim, clock: clk, srv: srv, cred: sim.Credentials()}
	e.c = e.client(t, mod)
	return e
}

func (e *env) client(t testing.TB, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{AppID: e.cred.Alipay.AppID, PrivateKeyPEM: e.cred.Alipay.AppPrivateKeyPEM,
		AlipayPublicKeyPEM: e.cred.Alipay.AlipayPublicKeyPEM, Gateway: e.srv.URL + "/alipay/gateway.do",
		Timeout: 5 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var seq atomic.Int64

// newNo makes a fresh out_trade_no (≤32 alphanumerics, as the till does).
func newNo(prefix string) string {
	return fmt.Sprintf("%s%d%d", prefix, time.Now().UnixNano()%1e9, seq.Add(1))
}

// payReq is a payment of amount with a fresh code of user.
func (e *env) payReq(user string, amount money.Fen) pos.PayRequest {
	return pos.PayRequest{OutTradeNo: newNo("T"), AuthCode: e.sim.NewPaymentCode(providersim.Alipay, user),
		Amount: amount, Subject: "可乐 x2"}
}

// net sums the simulator's money movements for outTradeNo: payments minus
// refunds and reversals.
func (e *env) net(outTradeNo string) (net money.Fen, payments, refunds int) {
	for _, c := range e.sim.Charges() {
		if c.OutTradeNo != outTradeNo {
			continue
		}
		switch c.Kind {
		case providersim.ChargePayment:
			net += c.Amount
			payments++
		default:
			net -= c.Amount
			refunds++
		}
	}
	return net, payments, refunds
}

// want checks a result's status and that an error comes exactly with
// Unknown, as pos.CodeUnavailable.
func want(t *testing.T, what string, r pos.ProviderResult, err error, status pos.ProviderStatus) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s = %+v (err %v), want status %s", what, r, err, status)
	}
	if status == pos.StatusUnknown {
		if err == nil || pos.ErrorCode(err) != pos.CodeUnavailable {
			t.Fatalf("%s: error %v (code %s), want a CodeUnavailable error", what, err, pos.ErrorCode(err))
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: %v, want a definite answer", what, err)
	}
}

// wantErr checks that err wraps target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want one wrapping %v", what, err, target)
	}
}

// fixed is a server that answers every request with body and status.
func fixed(t testing.TB, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/gateway.do"
}

// signedBody wraps a node's exact text the way Alipay does, signed with the
// simulator's Alipay key (a test may sign like the provider).
func (e *env) signedBody(t testing.TB, nodeName, nodeJSON string) string {
	t.Helper()
	k, err := parsePrivateKey(e.cred.Alipay.AlipayPrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	sig, err := sign(k, nodeJSON)
	if err != nil {
		t.Fatal(err)
	}
	return `{"` + nodeName + `":` + nodeJSON + `,"sign":"` + strings.ReplaceAll(sig, "/", `\/`) + `"}`
}
