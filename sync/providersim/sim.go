package providersim

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"

	"zhanggui/pos/money"
)

// beijing is China Standard Time. A fixed zone: the simulator must not depend
// on the machine's tzdata, and China has no daylight saving.
var beijing = time.FixedZone("CST", 8*3600)

// Config configures a Sim. The zero value works: keys in a temporary
// directory are not kept, so set DataDir for anything a client must reuse.
type Config struct {
	// DataDir holds credentials.json and the PEM files. Created on first
	// start; later starts load the same keys. Empty means a fresh temporary
	// directory (keys generated anew).
	DataDir string
	// Now is the simulator's clock (nil: time.Now). Every window, expiry,
	// bill day and the v3/acquirer 300 s timestamp check use it, and so do
	// the timestamps of signed v3 responses: a third-party v3 client checks
	// them against its own clock, so keep Now near the real time for those.
	Now func() time.Time
	// Rand draws codes, trade numbers and nonces (nil: seeded from
	// crypto/rand). Keys always come from crypto/rand.
	Rand *rand.Rand
	// Windows are the time limits of the providers' rules.
	Windows Windows
	// CodeTTL is how long a payment code stays valid (0: 60 s).
	CodeTTL time.Duration
	// FeeRateBP is the merchant fee in basis points of each payment,
	// rounded half up per transaction to the fen (0: 60, that is 0.6%).
	FeeRateBP int64
	// DefaultBalance is given to users created on the fly by
	// NewPaymentCode or CustomerPay (0: ¥10,000.00).
	DefaultBalance money.Fen
	// AcceptUnknownCodes accepts well-formed payment codes the simulator
	// never issued, paid by the user "demo" (for typing codes by hand).
	AcceptUnknownCodes bool
	// WeChatRequireClientCert enforces the /secapi mTLS rule: requests
	// without the merchant's client certificate are refused. Off by
	// default, since loopback HTTP carries no certificates.
	WeChatRequireClientCert bool
	// AlipayCancelUnknownSucceeds reproduces the reported quirk of
	// alipay.trade.cancel answering 10000 for an unknown out_trade_no.
	AlipayCancelUnknownSucceeds bool
}

// Windows are the providers' time limits (PROTOCOLS.md §7). A zero field
// takes its default.
type Windows struct {
	AlipayRefund    time.Duration // refunds after payment (90 d, contract-defined)
	AlipayCancel    time.Duration // alipay.trade.cancel after payment (24 h)
	AlipayQR        time.Duration // a precreate QR code is payable (2 h)
	WeChatRefund    time.Duration // refunds after payment (365 d)
	WeChatReverse   time.Duration // reverse after the order was made (7 d)
	WeChatQR        time.Duration // a native code_url is payable (2 h)
	WeChatRefundGap time.Duration // between two refunds of one order (1 min; negative: no rule)
	AcquirerReverse time.Duration // acquirer reverse after the order (24 h)
	AcquirerRefund  time.Duration // acquirer refunds after payment (365 d)
	ClockSkew       time.Duration // v3 and acquirer request timestamps (300 s)
	AlipayBillURL   time.Duration // a bill_download_url works once, this long (30 s)
	WeChatBillURL   time.Duration // a v3 download_url works this long (5 min)
}

// DefaultWindows returns the windows of PROTOCOLS.md §7.
func DefaultWindows() Windows {
	const day = 24 * time.Hour
	return Windows{
		AlipayRefund:    90 * day,
		AlipayCancel:    day,
		AlipayQR:        2 * time.Hour,
		WeChatRefund:    365 * day,
		WeChatReverse:   7 * day,
		WeChatQR:        2 * time.Hour,
		WeChatRefundGap: time.Minute,
		AcquirerReverse: day,
		AcquirerRefund:  365 * day,
		ClockSkew:       300 * time.Second,
		AlipayBillURL:   30 * time.Second,
		WeChatBillURL:   5 * time.Minute,
	}
}

// withDefaults fills the zero fields of w.
func (w Windows) withDefaults() Windows {
	d := DefaultWindows()
	fill := func(f *time.Duration, def time.Duration) {
		if *f == 0 {
			*f = def
		}
	}
	fill(&w.AlipayRefund, d.AlipayRefund)
	fill(&w.AlipayCancel, d.AlipayCancel)
	fill(&w.AlipayQR, d.AlipayQR)
	fill(&w.WeChatRefund, d.WeChatRefund)
	fill(&w.WeChatReverse, d.WeChatReverse)
	fill(&w.WeChatQR, d.WeChatQR)
	fill(&w.WeChatRefundGap, d.WeChatRefundGap)
	fill(&w.AcquirerReverse, d.AcquirerReverse)
	fill(&w.AcquirerRefund, d.AcquirerRefund)
	fill(&w.ClockSkew, d.ClockSkew)
	fill(&w.AlipayBillURL, d.AlipayBillURL)
	fill(&w.WeChatBillURL, d.WeChatBillURL)
	return w
}

// Sim is a simulated Alipay, WeChat Pay and acquirer. All methods are safe
// for concurrent use.
type Sim struct {
	cfg   Config
	keys  *keySet     // parsed once: parsing per request would cost more than signing
	creds Credentials // the same keys as PEM, for clients
	mux   *http.ServeMux

	mu      sync.Mutex // guards everything below
	rnd     *rand.Rand
	users   map[string]*User
	codes   map[string]*payCode
	scripts map[On]*script
	trades  map[tradeKey]*trade
	byNo    map[string]*trade     // provider trade number → trade
	refunds map[refundKey]*refund // namespace + out_refund_no → refund
	charges []Charge
	bills   map[string]*billFile    // download token → file
	cards   map[string]*simCard     // PAN → card
	coupons map[string]WechatCoupon // WeChat out_trade_no → its coupon, on bills (bill_coupon.go)

	notify notifier // notifications: a lock of its own
}

// New starts a simulator: it loads or creates the keys in cfg.DataDir.
func New(cfg Config) (*Sim, error) {
	cfg.Windows = cfg.Windows.withDefaults()
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CodeTTL == 0 {
		cfg.CodeTTL = 60 * time.Second
	}
	if cfg.FeeRateBP == 0 {
		cfg.FeeRateBP = 60
	}
	if cfg.FeeRateBP < 0 || cfg.FeeRateBP > 10000 {
		return nil, fmt.Errorf("providersim: fee rate %d bp out of range", cfg.FeeRateBP)
	}
	if cfg.DefaultBalance == 0 {
		cfg.DefaultBalance = 1_000_000
	}
	rnd := cfg.Rand
	if rnd == nil {
		var seed [16]byte
		_, _ = crand.Read(seed[:]) // crypto/rand.Read never fails on supported platforms
		rnd = rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:])))
	}
	creds, keys, err := loadOrCreateCredentials(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	s := &Sim{
		cfg: cfg, keys: keys, creds: creds, rnd: rnd,
		users:   map[string]*User{},
		codes:   map[string]*payCode{},
		scripts: map[On]*script{},
		trades:  map[tradeKey]*trade{},
		byNo:    map[string]*trade{},
		refunds: map[refundKey]*refund{},
		bills:   map[string]*billFile{},
		cards:   map[string]*simCard{},
	}
	s.addUserLocked(User{ID: DemoUser, Name: "演示顾客", Balance: cfg.DefaultBalance})
	s.mux = s.routes()
	return s, nil
}

// DemoUser is the user every Sim starts with; CustomerPay pays as it.
const DemoUser = "demo"

// Credentials returns every key and ID a client needs, as PEM strings.
func (s *Sim) Credentials() Credentials { return s.creds }

// Handler serves all providers: /alipay/, /wechat/ (v2, and v3 under
// /wechat/v3/), /acquirer/ and the demo phone's /customer/.
func (s *Sim) Handler() http.Handler { return s.mux }

// now is the simulator's clock.
func (s *Sim) now() time.Time { return s.cfg.Now() }

// ListenAndServe serves s.Handler on addr until ctx ends, then shuts down
// gracefully. It returns nil after a shutdown caused by ctx.
func (s *Sim) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("providersim: listen %s: %w", addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve is ListenAndServe on an existing listener.
func (s *Sim) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("providersim: serve: %w", err)
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return fmt.Errorf("providersim: shutdown: %w", err)
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("providersim: serve: %w", err)
	}
	return nil
}

// digits returns n random decimal digits. Callers hold s.mu.
func (s *Sim) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + s.rnd.IntN(10))
	}
	return string(b)
}

// alnum returns n random characters from alphabet. Callers hold s.mu.
func (s *Sim) alnum(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[s.rnd.IntN(len(alphabet))]
	}
	return string(b)
}

// nonce returns a 32-character nonce for a response. It takes s.mu.
func (s *Sim) nonce() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.alnum(32, upperAlnum)
}

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
	mixedAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)
