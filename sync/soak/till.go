package soak

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/sync/alipay"
	"zhanggui/sync/cardpay"
	"zhanggui/sync/linkstate"
	"zhanggui/sync/outbox"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
	"zhanggui/sync/unionpay"
	"zhanggui/sync/wechatpay"
)

// Config is what the parent tells a till process.
type Config struct {
	DB      string        // the SQLite file
	SimURL  string        // the providers (the simulator behind the parent's link)
	CtlURL  string        // the parent's customer side: codes, scanning QRs
	SimDir  string        // the simulator's credentials
	Events  string        // the events file
	Seed    uint64        // this incarnation's randomness
	Drain   bool          // no faults, no selling: settle everything and exit
	Offset  time.Duration // the clock's offset at start
	LossyP  float64       // fraction of requests meeting a client-side fault
	Refunds float64       // fraction of actions that are refunds
}

// Policy is the payment cadence of the soak: the real one, 200 times faster.
func Policy() payments.Policy {
	return payments.Policy{PollEvery: 25 * time.Millisecond, PollFor: 400 * time.Millisecond,
		QRFor: 600 * time.Millisecond, QRExpiry: 2 * time.Minute, CancelTries: 3, CancelEvery: 25 * time.Millisecond}
}

// Till is the till core without a screen: what app wires, and what the
// checkout screen does with it, driven by a random cashier.
type Till struct {
	cfg    Config
	DB     *storage.DB
	Svc    *payments.Service
	Cards  *cardpay.Service // contactless cards (cards.go)
	Worker *outbox.Worker
	Link   *linkstate.Monitor
	Clock  *Clock
	Events *Events

	products []pos.Product
	ctl      *http.Client
	mu       sync.Mutex      // one decision about a cart at a time: a cashier's or the outbox's
	counter  sync.RWMutex    // each lane's sale holds it shared; a shift close waits for them (shifts.go)
	active   map[string]bool // carts a cashier is working on
	sales    []string        // sales completed by this process, for refunds
}

// shop is the shop's time zone (Beijing, fixed: no tzdata needed).
var shop = time.FixedZone("CST", 8*3600)

// NewTill opens the database and wires the core.
func NewTill(cfg Config) (*Till, error) {
	ev, err := OpenEvents(cfg.Events)
	if err != nil {
		return nil, err
	}
	t := &Till{cfg: cfg, Clock: &Clock{}, Events: ev, active: map[string]bool{},
		ctl: &http.Client{Timeout: 5 * time.Second}}
	t.Clock.Jump(cfg.Offset)
	if t.DB, err = storage.Open(cfg.DB); err != nil {
		return nil, err
	}
	t.DB.Now = t.Clock.Now
	if t.products, err = t.DB.Products(context.Background()); err != nil {
		return nil, err
	}
	if err := t.wire(); err != nil {
		return nil, err
	}
	return t, nil
}

// wire builds the link monitor, the clients, the service and the worker.
func (t *Till) wire() error {
	t.Link = &linkstate.Monitor{Now: t.Clock.Now, ProbeEvery: 300 * time.Millisecond,
		ProbeOffline: 150 * time.Millisecond, ProbeTimeout: 300 * time.Millisecond,
		Targets: []linkstate.Target{
			{Provider: pos.Alipay, URL: t.cfg.SimURL + "/alipay/gateway.do"},
			{Provider: pos.Wechat, URL: t.cfg.SimURL + "/wechat/pay/orderquery"},
			{Provider: pos.UnionPay, URL: t.cfg.SimURL + "/acquirer/v1/query"},
		}}
	provs, err := t.clients()
	if err != nil {
		return err
	}
	t.Worker = &outbox.Worker{Store: t.DB, Now: t.Clock.Now, Rand: rand.New(rand.NewPCG(t.cfg.Seed, 1)),
		BackoffMin: 100 * time.Millisecond, BackoffMax: 2 * time.Second, TriesMax: 10_000}
	pol := Policy()
	t.Svc = &payments.Service{
		Store: outbox.PaymentStore{PaymentStore: t.DB, Jobs: t.DB, Enqueued: t.Worker.Wake,
			Delay: func(p pos.Payment) time.Duration { return pol.QRFor + time.Second }},
		RefundStore: t.DB, Providers: provs, Policy: pol, Now: t.Clock.Now, NewID: NewID,
		Sales: t.DB} // late successes: complete the waiting cart or refund, as the till does
	t.Worker.Handlers = map[pos.JobKind]outbox.Handler{
		pos.JobResolvePayment: outbox.PaymentHandler{Payments: t.Svc, Link: t.Link.State, Settled: t.settled},
		pos.JobResolveRefund:  outbox.RefundHandler{Payments: t.Svc, Link: t.Link.State},
	}
	acq, _ := provs[pos.UnionPay].(*unionpay.Client) // clients made it
	return t.wireCards(acq)
}

// clients configures the three provider clients from the simulator's
// credentials; every request goes through the link monitor and, when
// selling, the lossy network.
func (t *Till) clients() (map[pos.Provider]payments.Provider, error) {
	sim, err := providersim.New(providersim.Config{DataDir: t.cfg.SimDir}) // only to load the credentials
	if err != nil {
		return nil, err
	}
	cr := sim.Credentials()
	hc := func(p pos.Provider) *http.Client {
		var rt http.RoundTripper = http.DefaultTransport.(*http.Transport).Clone()
		if t.cfg.LossyP > 0 {
			rt = &Lossy{Next: rt, P: t.cfg.LossyP, Rand: rand.New(rand.NewPCG(t.cfg.Seed, uint64(len(p)))),
				OnFault: func(kind string) { t.Events.Add("fault " + kind) }}
		}
		return &http.Client{Transport: t.Link.Transport(p, rt)}
	}
	const timeout = 700 * time.Millisecond
	ali, err := alipay.New(alipay.Config{AppID: cr.Alipay.AppID, PrivateKeyPEM: cr.Alipay.AppPrivateKeyPEM,
		AlipayPublicKeyPEM: cr.Alipay.AlipayPublicKeyPEM, Gateway: t.cfg.SimURL + "/alipay/gateway.do",
		Timeout: timeout, QRTimeout: time.Minute, HTTPClient: hc(pos.Alipay)})
	if err != nil {
		return nil, err
	}
	// No client certificate: the simulator does not ask for one, and with
	// one the client needs a bare *http.Transport it can add it to.
	w := cr.WeChat
	wx, err := wechatpay.New(wechatpay.Config{AppID: w.AppID, MchID: w.MchID, APIv2Key: w.APIv2Key,
		MerchantPrivateKeyPEM: w.MerchantPrivateKeyPEM, MerchantSerial: w.MerchantSerial,
		WechatPayPublicKeyPEM: w.PublicKeyPEM, WechatPaySerial: w.PublicKeyID,
		NotifyURL: "https://shop.example/notify", BaseURL: t.cfg.SimURL + "/wechat", Timeout: timeout,
		QRTimeout: time.Minute, HTTPClient: hc(pos.Wechat)})
	if err != nil {
		return nil, err
	}
	up, err := unionpay.New(unionpay.Config{BaseURL: t.cfg.SimURL + "/acquirer", MerchantID: cr.Acquirer.MerchantID,
		HMACKeyHex: cr.Acquirer.HMACKey, Timeout: timeout, HTTPClient: hc(pos.UnionPay)})
	if err != nil {
		return nil, err
	}
	// The acquirer also refunds card payments, as in the app.
	return map[pos.Provider]payments.Provider{pos.Alipay: ali, pos.Wechat: wx, pos.UnionPay: up, pos.Card: up}, nil
}

// NewID makes a till ID: 32 random hex digits, unique across restarts.
func NewID() string {
	var b [16]byte
	_, _ = crand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// Recover is what the till does at start, before the first sale: every
// open payment and pending refund gets its outbox job (a no-op for those
// that have one), the service resolves what it can now, and every cart a
// crash left is completed, kept waiting, or let go.
func (t *Till) Recover(ctx context.Context) error {
	if err := t.reconcileJobs(ctx); err != nil {
		return err
	}
	if _, err := t.Svc.Recover(ctx); err != nil {
		return fmt.Errorf("soak: recover payments: %w", err)
	}
	if _, err := t.Svc.ResolveRefunds(ctx); err != nil && pos.ErrorCode(err) != pos.CodeUnavailable {
		return fmt.Errorf("soak: recover refunds: %w", err)
	}
	return t.settleCarts(ctx)
}

// reconcileJobs enqueues the job of every open payment and pending refund.
func (t *Till) reconcileJobs(ctx context.Context) error {
	jobs, err := outbox.OpenWork(ctx, t.DB, t.Clock.Now()) // as app's reconcile
	if err != nil {
		return err
	}
	if err := t.DB.Enqueue(ctx, jobs...); err != nil {
		return fmt.Errorf("soak: reconcile jobs: %w", err)
	}
	return nil
}

// Start runs the link monitor (its return wakes the worker) and the worker
// until ctx ends.
func (t *Till) Start(ctx context.Context) {
	t.Link.Subscribe(func(c linkstate.Change) {
		t.Events.Add("link " + string(c.Provider) + " " + string(c.To))
		if c.To == pos.LinkOnline {
			go func() { _ = t.Worker.SyncNow(ctx) }() // on failure the jobs are simply due later
		}
	})
	go t.Link.Run(ctx)
	go func() { _ = t.Worker.Run(ctx) }() // Run returns nil when ctx ends
	go t.sweep(ctx)
}

// sweep is app's payment sweeper at the soak's pace: it resolves open
// payments and pending refunds now and then, at the same time as the
// outbox and the cashiers, as it does in the till.
func (t *Till) sweep(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(500 * time.Millisecond):
		}
		if _, err := t.Svc.Recover(ctx); err != nil && ctx.Err() == nil {
			t.Events.Add("sweep error: " + string(pos.ErrorCode(err)))
		}
		if _, err := t.Svc.ResolveRefunds(ctx); err != nil && ctx.Err() == nil {
			t.Events.Add("sweep refunds error: " + string(pos.ErrorCode(err)))
		}
	}
}

// JumpClock moves the clock now and then until ctx ends: mostly forward by
// minutes (a clock set right after days off), sometimes back by seconds.
func (t *Till) JumpClock(ctx context.Context, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 2))
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Duration(1000+r.IntN(3000)) * time.Millisecond):
		}
		d := time.Duration(1+r.IntN(20)) * time.Minute
		if r.IntN(5) == 0 {
			d = -time.Duration(1+r.IntN(3)) * time.Second
		}
		t.Clock.Jump(d)
		t.Events.Add("fault clock-jump")
	}
}

// Close closes the database and the events file.
func (t *Till) Close() error {
	return errors.Join(t.DB.Close(), t.Events.Close())
}

// ConfigFromEnv reads the Config the parent put in the environment.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{DB: getenv("ZHANGGUI_SOAK_DB"), SimURL: getenv("ZHANGGUI_SOAK_SIM"),
		CtlURL: getenv("ZHANGGUI_SOAK_CTL"), SimDir: getenv("ZHANGGUI_SOAK_SIMDIR"),
		Events: getenv("ZHANGGUI_SOAK_EVENTS"), Drain: getenv("ZHANGGUI_SOAK_MODE") == "drain"}
	var err error
	if c.Seed, err = strconv.ParseUint(getenv("ZHANGGUI_SOAK_SEED"), 10, 64); err != nil {
		return c, fmt.Errorf("soak: seed: %w", err)
	}
	if c.Offset, err = time.ParseDuration(getenv("ZHANGGUI_SOAK_OFFSET")); err != nil {
		return c, fmt.Errorf("soak: offset: %w", err)
	}
	if c.LossyP, err = strconv.ParseFloat(getenv("ZHANGGUI_SOAK_LOSSY"), 64); err != nil {
		return c, fmt.Errorf("soak: lossy: %w", err)
	}
	c.Refunds = 0.08
	return c, nil
}

// Env is the environment that ConfigFromEnv reads back.
func (c Config) Env() []string {
	mode := "sell"
	if c.Drain {
		mode = "drain"
	}
	return []string{"ZHANGGUI_SOAK_CHILD=1", "ZHANGGUI_SOAK_DB=" + c.DB, "ZHANGGUI_SOAK_SIM=" + c.SimURL,
		"ZHANGGUI_SOAK_CTL=" + c.CtlURL, "ZHANGGUI_SOAK_SIMDIR=" + c.SimDir, "ZHANGGUI_SOAK_EVENTS=" + c.Events,
		"ZHANGGUI_SOAK_MODE=" + mode, "ZHANGGUI_SOAK_SEED=" + strconv.FormatUint(c.Seed, 10),
		"ZHANGGUI_SOAK_OFFSET=" + c.Offset.String(), "ZHANGGUI_SOAK_LOSSY=" + strconv.FormatFloat(c.LossyP, 'f', -1, 64)}
}

// states lists payments' states, for messages.
func states(ps []pos.Payment) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.ID[:8]+":"+string(p.State))
	}
	return out
}
