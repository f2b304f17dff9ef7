package payments_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/payments"
)

// script is a provider whose answers a test lists in order, per method. It
// also checks, at every pay, that the attempt was saved as authorizing
// before the request left: the rule that makes a crash harmless.
type script struct {
	t       *testing.T
	db      *storage.DB
	mu      sync.Mutex
	answers map[string][]answer
	calls   []string
}

type answer struct {
	r   pos.ProviderResult
	err error
}

var errTimeout = pos.Errorf(pos.CodeUnavailable, "test: read timeout")

func (s *script) next(method string) (pos.ProviderResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, method)
	as := s.answers[method]
	if len(as) == 0 {
		return pos.ProviderResult{Status: pos.StatusUnknown}, errTimeout
	}
	a := as[0]
	if len(as) > 1 {
		s.answers[method] = as[1:]
	}
	return a.r, a.err
}

func (s *script) checkSaved(outTradeNo string) {
	p, err := s.db.Payment(context.Background(), outTradeNo)
	if err != nil || p.State != pos.PayAuthorizing {
		s.t.Errorf("request for %s left before it was saved as authorizing: %+v, %v", outTradeNo, p, err)
	}
}

func (s *script) Pay(_ context.Context, r pos.PayRequest) (pos.ProviderResult, error) {
	s.checkSaved(r.OutTradeNo)
	return s.next("pay")
}
func (s *script) Precreate(_ context.Context, r pos.PayRequest) (pos.ProviderResult, error) {
	s.checkSaved(r.OutTradeNo)
	return s.next("precreate")
}
func (s *script) Query(context.Context, string) (pos.ProviderResult, error)  { return s.next("query") }
func (s *script) Cancel(context.Context, string) (pos.ProviderResult, error) { return s.next("cancel") }
func (s *script) Refund(context.Context, pos.RefundRequest) (pos.ProviderResult, error) {
	return s.next("refund")
}
func (s *script) RefundQuery(context.Context, string, string) (pos.ProviderResult, error) {
	return s.next("refundquery")
}

var (
	ok      = answer{r: pos.ProviderResult{Status: pos.StatusSuccess, TradeNo: "T1", Buyer: "138****5678"}}
	waiting = answer{r: pos.ProviderResult{Status: pos.StatusWaiting, Reason: "等待用户输入密码"}}
	refused = answer{r: pos.ProviderResult{Status: pos.StatusFailed, Reason: "余额不足"}}
	closed  = answer{r: pos.ProviderResult{Status: pos.StatusClosed}}
	unknown = answer{r: pos.ProviderResult{Status: pos.StatusUnknown}, err: errTimeout}
	gone    = answer{r: pos.ProviderResult{Status: pos.StatusNotFound}}
)

// clock is a test clock that moves forward when the service sleeps.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return nil
}

func newService(t *testing.T, answers map[string][]answer) (*payments.Service, *script, *storage.DB) {
	db := storagetest.NewDB(t)
	sc := &script{t: t, db: db, answers: answers}
	clk := &clock{now: time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)}
	n := 0
	svc := &payments.Service{
		Store:     db,
		Providers: map[pos.Provider]payments.Provider{pos.Alipay: sc, pos.Wechat: sc},
		Now:       clk.Now, Sleep: clk.Sleep,
		NewID: func() string { n++; return fmt.Sprintf("%032d", n) },
	}
	return svc, sc, db
}

const alipayCode = "286512345678901234"

func TestPayCodeOutcomes(t *testing.T) {
	tests := []struct {
		name      string
		answers   map[string][]answer
		want      pos.PaymentState
		wantCalls []string
	}{
		{"success", map[string][]answer{"pay": {ok}}, pos.PaySucceeded, []string{"pay"}},
		{"refused", map[string][]answer{"pay": {refused}}, pos.PayFailed, []string{"pay"}},
		{"password then paid", map[string][]answer{"pay": {waiting}, "query": {waiting, ok}},
			pos.PaySucceeded, []string{"pay", "query", "query"}},
		{"customer walks away", map[string][]answer{"pay": {waiting}, "query": {waiting}, "cancel": {closed}},
			pos.PayReversed, []string{"pay", "query", "query", "query", "query", "query", "query", "cancel"}},
		{"lost answer, query says paid", map[string][]answer{"pay": {unknown}, "query": {ok}},
			pos.PaySucceeded, []string{"pay", "query"}},
		{"never arrived: cancel anyway", map[string][]answer{"pay": {unknown}, "query": {gone}, "cancel": {closed}},
			pos.PayReversed, []string{"pay", "query", "query", "query", "query", "query", "query", "cancel"}},
		{"cancel refused because paid late", map[string][]answer{"pay": {waiting},
			"query": {waiting, waiting, waiting, waiting, waiting, waiting, ok}, "cancel": {refused}},
			pos.PaySucceeded, nil},
		{"provider away: left to the sweeper", map[string][]answer{},
			pos.PayCancelling, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, sc, db := newService(t, tt.answers)
			var seen []pos.PaymentState
			p, err := svc.PayCode(context.Background(), "sale1", alipayCode, 1250, func(p pos.Payment) { seen = append(seen, p.State) })
			if err != nil {
				t.Fatal(err)
			}
			if p.State != tt.want {
				t.Errorf("state %s, want %s (calls %v)", p.State, tt.want, sc.calls)
			}
			if tt.wantCalls != nil && !slices.Equal(sc.calls, tt.wantCalls) {
				t.Errorf("calls %v, want %v", sc.calls, tt.wantCalls)
			}
			stored, err := db.Payment(context.Background(), p.ID)
			if err != nil || stored.State != p.State || stored.CodeMask != "2865**********1234" {
				t.Errorf("stored %+v, %v", stored, err)
			}
			hist, _ := db.PaymentHistory(context.Background(), p.ID)
			if len(hist) < 2 || hist[0] != pos.PayAuthorizing {
				t.Errorf("history %v", hist)
			}
		})
	}
}

func TestCashierGivesUp(t *testing.T) {
	svc, sc, _ := newService(t, map[string][]answer{"pay": {waiting}, "query": {waiting}, "cancel": {closed}})
	ctx, cancel := context.WithCancel(context.Background())
	p, err := svc.PayCode(ctx, "sale1", alipayCode, 1250, func(p pos.Payment) {
		if p.State == pos.PayWaiting {
			cancel() // the cashier pressed 取消 while the customer was typing the password
		}
	})
	if err != nil || p.State != pos.PayReversed {
		t.Fatalf("state %s, %v", p.State, err)
	}
	if !slices.Equal(sc.calls, []string{"pay", "cancel"}) {
		t.Errorf("calls %v", sc.calls)
	}
}

func TestRecoverAfterCrash(t *testing.T) {
	svc, sc, db := newService(t, map[string][]answer{"query": {ok}})
	ctx := context.Background()
	// The till died after sending: the attempt is saved as authorizing.
	p, _ := pos.NewPayment("00000000000000000000000000000099", "sale9", pos.Alipay, pos.ModeCode, 800, svc.Now())
	if err := db.SavePayment(ctx, p); err != nil {
		t.Fatal(err)
	}
	p, _ = p.Next(pos.EvSend, svc.Now())
	if err := db.SavePayment(ctx, p); err != nil {
		t.Fatal(err)
	}
	open, err := svc.Recover(ctx)
	if err != nil || len(open) != 0 {
		t.Fatalf("open after recover %v, %v", open, err)
	}
	got, _ := db.Payment(ctx, p.ID)
	if got.State != pos.PaySucceeded || got.TradeNo != "T1" {
		t.Errorf("recovered %+v (calls %v)", got, sc.calls)
	}
	if slices.Contains(sc.calls, "pay") {
		t.Error("recovery sent the payment again")
	}
}

func TestSweeperFinishesCancel(t *testing.T) {
	svc, sc, db := newService(t, map[string][]answer{})
	ctx := context.Background()
	p, err := svc.PayCode(ctx, "sale1", alipayCode, 500, nil)
	if err != nil || p.State != pos.PayCancelling {
		t.Fatalf("state %s, %v", p.State, err)
	}
	sc.answers = map[string][]answer{"cancel": {closed}} // the network is back
	open, err := svc.Recover(ctx)
	if err != nil || len(open) != 0 {
		t.Fatalf("still open %v, %v", open, err)
	}
	got, _ := db.Payment(ctx, p.ID)
	if got.State != pos.PayReversed {
		t.Errorf("after sweep %s", got.State)
	}
}

func TestBadCodes(t *testing.T) {
	svc, sc, _ := newService(t, nil)
	for _, code := range []string{"", "abc", "123", "28123", "99" + alipayCode, "1312345678901234567"} {
		_, err := svc.PayCode(context.Background(), "s", code, 100, nil)
		if !errors.Is(err, pos.ErrNotPaymentCode) {
			t.Errorf("code %q: %v", code, err)
		}
	}
	if _, err := svc.PayCode(context.Background(), "s", "6212345678901234567", 100, nil); !errors.Is(err, payments.ErrNoProvider) {
		t.Errorf("unconfigured UnionPay: %v", err)
	}
	if len(sc.calls) != 0 {
		t.Errorf("bad codes reached the provider: %v", sc.calls)
	}
}

func TestPayQR(t *testing.T) {
	qr := answer{r: pos.ProviderResult{Status: pos.StatusWaiting, QR: "https://qr.alipay.com/bax0001"}}
	svc, _, _ := newService(t, map[string][]answer{"precreate": {qr}, "query": {gone, waiting, ok}})
	var shown string
	p, err := svc.PayQR(context.Background(), "sale1", pos.Alipay, 990, func(p pos.Payment) {
		if p.QR != "" {
			shown = p.QR
		}
	})
	if err != nil || p.State != pos.PaySucceeded || shown != "https://qr.alipay.com/bax0001" {
		t.Fatalf("QR payment %+v, %v, shown %q", p, err, shown)
	}
}

// TestUnscannedQRStaysOpenUntilExpiry: closing an Alipay QR nobody scanned
// answers "no such trade", but the QR can still be paid until it expires;
// the payment stays cancelling, and is reversed only once expired.
func TestUnscannedQRStaysOpenUntilExpiry(t *testing.T) {
	qr := answer{r: pos.ProviderResult{Status: pos.StatusWaiting, QR: "https://qr.alipay.com/bax0002"}}
	svc, _, db := newService(t, map[string][]answer{"precreate": {qr}, "query": {gone}, "cancel": {gone}})
	p, err := svc.PayQR(context.Background(), "sale1", pos.Alipay, 990, nil)
	if err != nil || p.State != pos.PayCancelling {
		t.Fatalf("after the QR wait: %s, %v", p.State, err)
	}
	svc.Sleep(context.Background(), 10*time.Minute) // the clock passes the QR's expiry
	if _, err := svc.Recover(context.Background()); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Payment(context.Background(), p.ID)
	if got.State != pos.PayReversed {
		t.Errorf("after expiry %s, want reversed", got.State)
	}
}
