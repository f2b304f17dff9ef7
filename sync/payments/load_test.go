package payments_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/alipay"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
	"zhanggui/sync/unionpay"
	"zhanggui/sync/wechatpay"
)

// The load test: many payments through the real clients and the simulator
// over loopback, about 5 % of them meeting a fault the simulator scripts
// and 1 % of all requests one the network makes, then a drain with the
// network healthy, then both sides compared: every payment final, every
// charge paid by exactly one succeeded payment or given back.
//
// TestLoad runs LOAD_N payments (default 1,000, a few seconds, so that
// `make test` keeps it; skipped with -short); BenchmarkLoad runs LOAD_N
// (default 10,000: about 14 s on 2 busy cores, much of it waiting for the
// one SQLite writer's fsyncs) once per iteration for `make bench` and
// reports payments/s. LOAD_N=10000 go test -run TestLoad ./sync/payments/ runs the
// full load as a test.

// loadFaults are the simulator's scripted faults, each for one payment.
var loadFaults = []struct {
	name string
	b    providersim.Behaviour
}{
	{"system-error-hidden-success", providersim.SystemErrorHiddenSuccess},
	{"system-error-hidden-fail", providersim.SystemErrorHiddenFail},
	{"drop-after-charge", providersim.DropConnectionAfterCharge},
	{"bad-signature", providersim.BadSignature},
	{"password-then-success", providersim.PasswordThenSuccess(2, 0)},
	{"password-then-fail", providersim.PasswordThenFail(2, 0)},
	{"slow-past-timeout", providersim.SlowAnswer(loadTimeout + 50*time.Millisecond)},
	{"rate-limited", providersim.RateLimited},
	{"insufficient-balance", providersim.InsufficientBalance},
}

const (
	loadTimeout     = 250 * time.Millisecond // each client call
	loadFaultP      = 0.05                   // payments with a scripted fault
	loadNetFaultP   = 0.01                   // requests with a network fault
	loadConcurrency = 16
)

// netFaults is the network between the till and the simulator: a fraction
// of requests (while on) meet one of: a reset before the request leaves, a
// reset after it was handled (the answer lost), a 503 from a proxy.
type netFaults struct {
	next http.RoundTripper
	on   atomic.Bool
	mu   sync.Mutex
	rnd  *rand.Rand
	seen map[string]int
}

func (n *netFaults) RoundTrip(req *http.Request) (*http.Response, error) {
	if !n.on.Load() {
		return n.next.RoundTrip(req)
	}
	n.mu.Lock()
	r := n.rnd.Float64()
	kind := []string{"reset-before-send", "answer-lost", "proxy-503"}[n.rnd.IntN(3)]
	if r < loadNetFaultP {
		n.seen[kind]++
	}
	n.mu.Unlock()
	if r >= loadNetFaultP {
		return n.next.RoundTrip(req)
	}
	switch kind {
	case "reset-before-send":
		return nil, errors.New("load: connection reset before the request left")
	case "answer-lost":
		if resp, err := n.next.RoundTrip(req); err == nil {
			resp.Body.Close()
		}
		return nil, errors.New("load: connection reset after the request was handled")
	}
	return &http.Response{StatusCode: http.StatusServiceUnavailable, Status: "503 Service Unavailable",
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{"Content-Type": {"text/html"}},
		Body: io.NopCloser(strings.NewReader("<html>503</html>")), Request: req}, nil
}

// loadRig is the till (SQLite, service, the three clients) and the
// simulator.
type loadRig struct {
	db    *storage.DB
	sim   *providersim.Sim
	svc   *payments.Service
	net   *netFaults
	ids   sync.Map // out_trade_no → struct{}: every payment the till started
	mu    sync.Mutex
	fault map[string]int
}

func newLoadRig(tb testing.TB) *loadRig {
	tb.Helper()
	db := storagetest.NewDB(tb)
	sim, err := providersim.New(providersim.Config{DataDir: simKeys, Windows: providersim.Windows{WeChatRefundGap: -1}})
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	tb.Cleanup(srv.Close)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 2 * loadConcurrency
	nf := &netFaults{next: tr, rnd: rand.New(rand.NewPCG(7, 7)), seen: map[string]int{}}
	hc := &http.Client{Transport: nf}
	c := sim.Credentials()
	ali, err := alipay.New(alipay.Config{AppID: c.Alipay.AppID, PrivateKeyPEM: c.Alipay.AppPrivateKeyPEM,
		AlipayPublicKeyPEM: c.Alipay.AlipayPublicKeyPEM, Gateway: srv.URL + "/alipay/gateway.do",
		Timeout: loadTimeout, HTTPClient: hc})
	if err != nil {
		tb.Fatal(err)
	}
	w := c.WeChat
	wx, err := wechatpay.New(wechatpay.Config{AppID: w.AppID, MchID: w.MchID, APIv2Key: w.APIv2Key,
		MerchantPrivateKeyPEM: w.MerchantPrivateKeyPEM, MerchantSerial: w.MerchantSerial,
		WechatPayPublicKeyPEM: w.PublicKeyPEM, WechatPaySerial: w.PublicKeyID, NotifyURL: "https://shop.example/notify",
		BaseURL: srv.URL + "/wechat", Timeout: loadTimeout, HTTPClient: hc})
	if err != nil {
		tb.Fatal(err)
	}
	up, err := unionpay.New(unionpay.Config{BaseURL: srv.URL + "/acquirer", MerchantID: c.Acquirer.MerchantID,
		HMACKeyHex: c.Acquirer.HMACKey, Timeout: loadTimeout, HTTPClient: hc})
	if err != nil {
		tb.Fatal(err)
	}
	var n atomic.Int64
	svc := &payments.Service{Store: db, RefundStore: db,
		Providers: map[pos.Provider]payments.Provider{pos.Alipay: ali, pos.Wechat: wx, pos.UnionPay: up},
		Now:       time.Now, NewID: func() string { return fmt.Sprintf("LD%030d", n.Add(1)) },
		Policy: payments.Policy{PollEvery: 10 * time.Millisecond, PollFor: 60 * time.Millisecond,
			QRFor: 80 * time.Millisecond, QRExpiry: time.Nanosecond, CancelTries: 3, CancelEvery: 5 * time.Millisecond}}
	return &loadRig{db: db, sim: sim, svc: svc, net: nf, fault: map[string]int{}}
}

// one makes payment i: its provider, mode, amount and fault follow from i.
func (r *loadRig) one(ctx context.Context, i int) error {
	rnd := rand.New(rand.NewPCG(42, uint64(i)))
	provider := []pos.Provider{pos.Alipay, pos.Wechat, pos.UnionPay}[i%3]
	mode := pos.ModeCode
	if provider != pos.UnionPay && rnd.IntN(5) == 0 {
		mode = pos.ModeQR
	}
	amount := money.Fen(100 + rnd.IntN(9900))
	var fault *providersim.Behaviour
	if rnd.Float64() < loadFaultP {
		f := loadFaults[rnd.IntN(len(loadFaults))]
		fault = &f.b
		r.mu.Lock()
		r.fault[f.name]++
		r.mu.Unlock()
	}
	sale := "sale" + strconv.Itoa(i)
	var p pos.Payment
	var err error
	if mode == pos.ModeCode {
		code := r.sim.NewPaymentCode(simProvider(provider), "load"+strconv.Itoa(i%500)) // 20 payments of ≤ ¥99 each: within the balance
		if fault != nil {
			r.sim.Script(providersim.OnCode(code), *fault)
		}
		p, err = r.svc.PayCode(ctx, sale, code, amount, nil)
	} else {
		p, err = r.svc.PayQR(ctx, sale, provider, amount, r.customer("load"+strconv.Itoa(i%500), fault, rnd.IntN(10) > 0))
	}
	if p.ID != "" {
		r.ids.Store(p.ID, struct{}{})
	}
	if err != nil && pos.ErrorCode(err) != pos.CodeUnavailable {
		return fmt.Errorf("payment %d (%s %s %v): %w", i, provider, mode, p.State, err)
	}
	return nil
}

// customer scans and pays the QR once it is shown (or walks away), meeting
// the fault, if any, when it pays.
func (r *loadRig) customer(user string, fault *providersim.Behaviour, pays bool) payments.Update {
	done := false
	return func(p pos.Payment) {
		if done || p.State != pos.PayWaiting || p.QR == "" {
			return
		}
		done = true
		if fault != nil {
			r.sim.Script(providersim.OnOutTradeNo(p.ID), *fault)
		}
		if err := r.sim.CustomerScan(p.ID); err == nil && pays {
			_ = r.sim.CustomerPayAs(p.ID, user) // a refusal (balance, risk) is an outcome too
		}
	}
}

func simProvider(p pos.Provider) providersim.Provider {
	switch p {
	case pos.Alipay:
		return providersim.Alipay
	case pos.Wechat:
		return providersim.WeChat
	}
	return providersim.UnionPay
}

// run makes n payments with loadConcurrency cashiers, then drains.
func (r *loadRig) run(tb testing.TB, n int) {
	tb.Helper()
	ctx := context.Background()
	r.net.on.Store(true)
	var next atomic.Int64
	errs := make(chan error, loadConcurrency)
	for range loadConcurrency {
		go func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					errs <- nil
					return
				}
				if err := r.one(ctx, i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range loadConcurrency {
		if err := <-errs; err != nil {
			tb.Fatal(err)
		}
	}
	r.net.on.Store(false)
	r.drain(tb)
}

// drain resolves what is still open, with the network healthy.
func (r *loadRig) drain(tb testing.TB) {
	tb.Helper()
	for try := 0; ; try++ {
		open, err := r.svc.Recover(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		if len(open) == 0 {
			return
		}
		if try == 20 {
			tb.Fatalf("%d payments still open after the drain: %v", len(open), open[0])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// audit compares the till's payments with the simulator's ledger.
func (r *loadRig) audit(tb testing.TB, n int) (states map[pos.PaymentState]int) {
	tb.Helper()
	ctx := context.Background()
	type side struct {
		paid, back money.Fen
		payments   int
	}
	sim := map[string]*side{}
	for _, c := range r.sim.Charges() {
		s := sim[c.OutTradeNo]
		if s == nil {
			s = &side{}
			sim[c.OutTradeNo] = s
		}
		if c.Kind == providersim.ChargePayment {
			s.paid += c.Amount
			s.payments++
		} else {
			s.back += c.Amount
		}
	}
	var ids []string
	r.ids.Range(func(k, _ any) bool { ids = append(ids, k.(string)); return true })
	if len(ids) != n {
		tb.Errorf("%d payments started, want %d", len(ids), n)
	}
	ps, err := r.db.PaymentsByID(ctx, ids)
	if err != nil {
		tb.Fatal(err)
	}
	states = map[pos.PaymentState]int{}
	for _, p := range ps {
		states[p.State]++
		s := sim[p.ID]
		delete(sim, p.ID)
		if s == nil {
			s = &side{}
		}
		r.check(tb, p, s.paid-s.back, s.payments)
	}
	for no := range sim {
		tb.Errorf("the simulator charged %s, which the till never started", no)
	}
	return states
}

// check compares one payment with what the simulator moved for it.
func (r *loadRig) check(tb testing.TB, p pos.Payment, net money.Fen, charges int) {
	tb.Helper()
	want := money.Fen(0)
	switch p.State {
	case pos.PaySucceeded:
		want = p.Amount
	case pos.PayFailed, pos.PayReversed, pos.PayRefunded:
	default:
		tb.Errorf("payment %s not final: %s", p.ID, p.State)
	}
	if net != want || charges > 1 {
		tb.Errorf("payment %s is %s for %v; the simulator holds %v of it from %d charges", p.ID, p.State, p.Amount, net, charges)
	}
}

func (r *loadRig) report(tb testing.TB, n int, d time.Duration, states map[pos.PaymentState]int) {
	tb.Helper()
	var faults, nets []string
	for k, v := range r.fault {
		faults = append(faults, fmt.Sprintf("%s=%d", k, v))
	}
	for k, v := range r.net.seen {
		nets = append(nets, fmt.Sprintf("%s=%d", k, v))
	}
	slices.Sort(faults)
	slices.Sort(nets)
	tb.Logf("%d payments in %v (%.0f/s), concurrency %d; final states %v", n, d.Round(time.Millisecond),
		float64(n)/d.Seconds(), loadConcurrency, states)
	tb.Logf("scripted faults: %s", strings.Join(faults, " "))
	tb.Logf("network faults: %s", strings.Join(nets, " "))
}

// loadN is how many payments a run makes: LOAD_N, else def.
func loadN(tb testing.TB, def int) int {
	s := os.Getenv("LOAD_N")
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		tb.Fatalf("LOAD_N=%q", s)
	}
	return n
}

func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("the load test makes thousands of payments; run without -short")
	}
	n := loadN(t, 1_000)
	r := newLoadRig(t)
	t0 := time.Now()
	r.run(t, n)
	d := time.Since(t0)
	states := r.audit(t, n)
	r.report(t, n, d, states)
}

// BenchmarkLoad is TestLoad for `make bench`: one run of LOAD_N payments
// per iteration, reported as payments/s.
func BenchmarkLoad(b *testing.B) {
	n := loadN(b, 10_000)
	for range b.N {
		b.StopTimer()
		r := newLoadRig(b)
		b.StartTimer()
		t0 := time.Now()
		r.run(b, n)
		d := time.Since(t0)
		b.StopTimer()
		states := r.audit(b, n)
		r.report(b, n, d, states)
		b.ReportMetric(float64(n)/d.Seconds(), "payments/s")
		b.StartTimer()
	}
}
