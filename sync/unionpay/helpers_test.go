package unionpay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
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

var ctx = context.Background()

// simDir holds the simulator's keys, generated once for the test binary.
var simDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "unionpay-test-")
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
	a := e.cred.Acquirer
	cfg := Config{BaseURL: e.srv.URL + "/acquirer", MerchantID: a.MerchantID, HMACKeyHex: a.HMACKey,
		StoreID: "S001", Timeout: 5 * time.Second, Now: e.clock.Now}
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

// newNo makes a fresh order number (≤32 alphanumerics, as the till does).
func newNo(prefix string) string {
	return fmt.Sprintf("%s%d%d", prefix, time.Now().UnixNano()%1e9, seq.Add(1))
}

// payReq is a payment of amount with a fresh code of wallet p for user.
func (e *env) payReq(p providersim.Provider, user string, amount money.Fen) pos.PayRequest {
	return pos.PayRequest{OutTradeNo: newNo("U"), AuthCode: e.sim.NewPaymentCode(p, user),
		Amount: amount, Subject: "掌柜-测试店"}
}

// net sums the simulator's money movements for outTradeNo.
func (e *env) net(outTradeNo string) (net money.Fen, payments, returns int) {
	for _, c := range e.sim.Charges() {
		if c.OutTradeNo != outTradeNo {
			continue
		}
		if c.Kind == providersim.ChargePayment {
			net += c.Amount
			payments++
		} else {
			net -= c.Amount
			returns++
		}
	}
	return net, payments, returns
}

// want checks a result's status, and that an error comes exactly with
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

func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want one wrapping %v", what, err, target)
	}
}

// fixed is a server that answers every request with body, status and
// headers.
func fixed(t testing.TB, status int, h http.Header, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range h {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
