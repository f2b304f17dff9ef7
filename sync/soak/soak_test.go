package soak_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/providersim"
	"zhanggui/sync/soak"
)

// defaultBudget is how long the short soak sells, for `make test`; the
// final settling and the audit take a few seconds more.
const defaultBudget = 40 * time.Second

// TestSoakTill is the till process TestSoak starts, kills and restarts.
func TestSoakTill(t *testing.T) {
	if os.Getenv("ZHANGGUI_SOAK_CHILD") != "1" {
		t.Skip("the till process of TestSoak; run by it")
	}
	cfg, err := soak.ConfigFromEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	if err := soak.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
}

// TestSoak sells for ZHANGGUI_SOAK (default 40 s) through a till process
// killed at random, over a flaky link, with scripted provider faults, then
// settles everything and audits the books against the simulator's ledger.
func TestSoak(t *testing.T) {
	if os.Getenv("ZHANGGUI_SOAK_CHILD") != "" {
		t.Skip("inside a till process")
	}
	budget := defaultBudget
	if v := os.Getenv("ZHANGGUI_SOAK"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("ZHANGGUI_SOAK=%q: %v", v, err)
		}
		budget = d
	} else if testing.Short() {
		budget = 10 * time.Second
	}
	h := newHarness(t, budget)
	h.sell(budget)
	h.drain()
	h.audit()
}

// harness is the parent: the simulator behind a link it can cut, the
// customers, and the till processes it kills.
type harness struct {
	t      *testing.T
	dir    string
	seed   uint64
	rnd    *rand.Rand
	sim    *providersim.Sim
	link   *gate
	cust   *customers
	cfg    soak.Config
	kills  int
	starts int
	offset time.Duration
	last   *bytes.Buffer
}

func newHarness(t *testing.T, budget time.Duration) *harness {
	dir := t.TempDir()
	seed := uint64(time.Now().UnixNano())
	t.Logf("soak: seed %d, selling for %v", seed, budget)
	h := &harness{t: t, dir: dir, seed: seed, rnd: rand.New(rand.NewPCG(seed, 0))}
	var err error
	// No minute between two refunds of one WeChat order: the rule is the
	// wechatpay tests'; here it would only make the final settling wait.
	h.sim, err = providersim.New(providersim.Config{DataDir: filepath.Join(dir, "sim"), Rand: rand.New(rand.NewPCG(seed, 1)),
		Windows: providersim.Windows{WeChatRefundGap: -1}})
	if err != nil {
		t.Fatal(err)
	}
	h.link = &gate{next: h.sim.Handler()}
	simSrv := httptest.NewServer(h.link)
	t.Cleanup(simSrv.Close)
	h.cust = &customers{sim: h.sim, rnd: rand.New(rand.NewPCG(seed, 2)), faults: map[string]int{}}
	ctlSrv := httptest.NewServer(h.cust)
	t.Cleanup(ctlSrv.Close)
	h.cfg = soak.Config{DB: filepath.Join(dir, "till.db"), SimURL: simSrv.URL, CtlURL: ctlSrv.URL,
		SimDir: filepath.Join(dir, "sim"), Events: filepath.Join(dir, "events.log"), LossyP: 0.03}
	db, err := storage.Open(h.cfg.DB)
	if err != nil {
		t.Fatal(err)
	}
	storagetest.Seed(t, db, 40)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return h
}

// sell runs till processes for budget, each killed with SIGKILL after a
// random while, with the link going down and up meanwhile.
func (h *harness) sell(budget time.Duration) {
	deadline := time.Now().Add(budget)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	go h.link.flap(ctx, rand.New(rand.NewPCG(h.seed, 3)), min(max(budget/10, 3*time.Second), time.Minute))
	for time.Until(deadline) > 100*time.Millisecond {
		life := time.Duration(300+h.rnd.IntN(3700)) * time.Millisecond
		h.offset += time.Duration(h.rnd.IntN(600)) * time.Second // set by hand between restarts
		if h.rnd.IntN(5) == 0 {
			h.offset -= 5 * time.Second
		}
		cfg := h.cfg
		cfg.Seed, cfg.Offset = h.seed+uint64(h.starts)+10, h.offset
		h.runChild(cfg, min(life, time.Until(deadline)), true)
	}
	h.link.setDown(false)
}

// drain runs the last till: no faults, the link up, everything settled.
func (h *harness) drain() {
	cfg := h.cfg
	cfg.Drain, cfg.LossyP, cfg.Seed, cfg.Offset = true, 0, h.seed+1, h.offset
	t0 := time.Now()
	h.runChild(cfg, 90*time.Second, false)
	h.t.Logf("soak: the last till settled everything in %v:\n%s", time.Since(t0).Round(time.Millisecond), h.last)
}

// runChild starts a till process and kills it after life, or (kill false)
// waits up to life for it to finish.
func (h *harness) runChild(cfg soak.Config, life time.Duration, kill bool) {
	h.t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSoakTill$", "-test.count=1", "-test.timeout=0")
	cmd.Env = append(os.Environ(), cfg.Env()...)
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	h.starts++
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if kill || err != nil {
			h.t.Fatalf("till %d ended by itself (%v):\n%s", h.starts, err, out)
		}
	case <-time.After(life):
		if !kill {
			_ = cmd.Process.Kill() // stuck: the test fails below
			<-done
			h.t.Fatalf("till %d did not settle within %v:\n%s", h.starts, life, out)
		}
		_ = cmd.Process.Kill() // SIGKILL: the power cut of the till
		<-done
		h.kills++
	}
	h.last = out
}

// audit checks the books and prints what happened.
func (h *harness) audit() {
	t := h.t
	r, err := soak.Audit(context.Background(), h.cfg.DB, h.sim.Charges())
	if err != nil {
		t.Fatal(err)
	}
	h.auditCardLosses(&r) // cards_test.go
	events, err := soak.CountEvents(h.cfg.Events)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("soak: %d till processes, %d killed with SIGKILL; link down %d times (%d requests cut)",
		h.starts, h.kills, h.link.downs.Load(), h.link.cut.Load())
	t.Logf("soak: provider faults scripted: %s", counts(h.cust.snapshot()))
	t.Logf("soak: till events: %s", counts(events))
	t.Logf("soak: %s", r)
	if len(r.Violations) > 0 {
		t.Errorf("%d violations (seed %d); the last till said:\n%s", len(r.Violations), h.seed, h.last)
	}
	if r.Sales < 100 {
		t.Errorf("only %d sales: the harness did not exercise the till", r.Sales)
	}
}

func counts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// gate is the shop's uplink to the providers: when down, a connection is
// dropped before the provider sees the request.
type gate struct {
	next       http.Handler
	down       atomic.Bool
	downs, cut atomic.Int32
}

func (g *gate) setDown(down bool) {
	if down && !g.down.Load() {
		g.downs.Add(1)
	}
	g.down.Store(down)
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !g.down.Load() {
		g.next.ServeHTTP(w, r)
		return
	}
	g.cut.Add(1)
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close() // the till sees its connection reset
			return
		}
	}
	w.WriteHeader(http.StatusBadGateway)
}

// flap takes the link down now and then, for up to downMax, until ctx ends.
func (g *gate) flap(ctx context.Context, r *rand.Rand, downMax time.Duration) {
	wait := func(d time.Duration) bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(d):
			return true
		}
	}
	for {
		if !wait(time.Duration(2000+r.IntN(5000)) * time.Millisecond) {
			return
		}
		g.setDown(true)
		ok := wait(time.Duration(500+r.Int64N(int64(downMax/time.Millisecond))) * time.Millisecond)
		g.setDown(false)
		if !ok {
			return
		}
	}
}

// customers plays the shop's customers for the till processes: it hands
// out payment codes (some scripted to go wrong at the provider) and scans
// and pays dynamic QR codes, now, late or never.
type customers struct {
	sim    *providersim.Sim
	mu     sync.Mutex
	rnd    *rand.Rand
	faults map[string]int
}

// scripted are the provider faults a code may meet, by name.
var scripted = []struct {
	name string
	b    providersim.Behaviour
}{
	{"system-error-but-charged", providersim.SystemErrorHiddenSuccess},
	{"system-error-not-charged", providersim.SystemErrorHiddenFail},
	{"connection-dropped-after-charge", providersim.DropConnectionAfterCharge},
	{"answer-after-client-timeout", providersim.SlowAnswer(time.Second)},
	{"slow-answer", providersim.SlowAnswer(300 * time.Millisecond)},
	{"rate-limited", providersim.RateLimited},
	{"bad-signature", providersim.BadSignature},
	{"password-then-paid", providersim.PasswordThenSuccess(2, 0)},
	{"password-then-gave-up", providersim.PasswordThenFail(0, 300*time.Millisecond)},
	{"insufficient-balance", providersim.InsufficientBalance},
	{"code-expired", providersim.CodeExpired},
	{"risk-rejected", providersim.RiskRejected},
}

var simProvider = map[string]providersim.Provider{
	string(pos.Alipay): providersim.Alipay, string(pos.Wechat): providersim.WeChat, string(pos.UnionPay): providersim.UnionPay}

func (c *customers) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c.mu.Lock()
	defer c.mu.Unlock()
	user := fmt.Sprintf("c%02d", c.rnd.IntN(50))
	switch q.Get("do") {
	case "code":
		prov, ok := simProvider[q.Get("p")]
		if !ok {
			http.Error(w, "no such provider", http.StatusBadRequest)
			return
		}
		code := c.sim.NewPaymentCode(prov, user)
		if c.rnd.IntN(10) < 3 {
			f := scripted[c.rnd.IntN(len(scripted))]
			c.sim.Script(providersim.OnCode(code), f.b)
			c.faults[f.name]++
		}
		fmt.Fprint(w, code)
	case "scan":
		c.scan(q.Get("no"), user)
	case "card":
		c.card(w) // cards_test.go
	default:
		http.Error(w, "what?", http.StatusBadRequest)
	}
}

// scan is a customer at a dynamic QR: pays now, pays late, or walks away.
// Called with c.mu held.
func (c *customers) scan(no, user string) {
	switch r := c.rnd.IntN(20); {
	case r < 13:
		_ = c.sim.CustomerPayAs(no, user) // may find the QR closed or the balance short: the till learns it
	case r < 16:
		c.faults["qr-paid-late"]++
		_ = c.sim.CustomerScan(no)
		late := time.Duration(200+c.rnd.IntN(600)) * time.Millisecond
		time.AfterFunc(late, func() { _ = c.sim.CustomerPayAs(no, user) })
	case r < 18:
		c.faults["qr-scanned-not-paid"]++
		_ = c.sim.CustomerScan(no)
	default:
		c.faults["qr-never-scanned"]++
	}
}

func (c *customers) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.faults {
		out[k] = v
	}
	return out
}
