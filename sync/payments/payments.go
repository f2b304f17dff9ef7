// Package payments runs payment attempts at the providers to an outcome the
// till can trust. It owns the merchant-side flows of PROTOCOLS.md: a pay or
// precreate, polling while the customer confirms, then cancel or reverse
// when the customer walks away or no answer can be trusted. Every state is
// saved before the request that leaves it, so a crash, a retry or a
// replayed answer never charges a customer twice.
package payments

import (
	"context"
	"fmt"
	"sync"
	"time"

	"zhanggui/pos"
)

// Provider is what the service needs of a provider client (sync/alipay,
// sync/wechatpay, sync/unionpay). A result with a nil error is the
// provider's definite answer; an error means the outcome is unknown.
type Provider interface {
	Pay(ctx context.Context, r pos.PayRequest) (pos.ProviderResult, error)
	Precreate(ctx context.Context, r pos.PayRequest) (pos.ProviderResult, error)
	Query(ctx context.Context, outTradeNo string) (pos.ProviderResult, error)
	Cancel(ctx context.Context, outTradeNo string) (pos.ProviderResult, error)
	Refund(ctx context.Context, r pos.RefundRequest) (pos.ProviderResult, error)
	RefundQuery(ctx context.Context, outTradeNo, outRefundNo string) (pos.ProviderResult, error)
}

// Policy is the cadence of polling and cancelling.
type Policy struct {
	PollEvery time.Duration // between queries while the customer confirms: 5 s
	PollFor   time.Duration // how long a code payment may wait: 30 s
	QRFor     time.Duration // how long a dynamic QR is shown: 2 min
	// QRExpiry is how long a precreated QR stays payable at the provider
	// (the clients' QR timeout): until then, a close that finds no trade
	// (an unscanned Alipay QR) does not prove the customer cannot still pay.
	QRExpiry    time.Duration
	CancelTries int           // cancel/reverse attempts before leaving it to the sweeper: 3
	CancelEvery time.Duration // between cancel attempts: 2 s
}

// DefaultPolicy follows PROTOCOLS.md §1.6: poll every 5 s for 30 s, then
// cancel or reverse, retrying the cancel 3 times 2 s apart.
func DefaultPolicy() Policy {
	return Policy{PollEvery: 5 * time.Second, PollFor: 30 * time.Second, QRFor: 2 * time.Minute,
		QRExpiry: 5 * time.Minute, CancelTries: 3, CancelEvery: 2 * time.Second}
}

// Service runs payments.
type Service struct {
	Store       pos.PaymentStore
	RefundStore RefundStore // nil: no refunds
	Providers   map[pos.Provider]Provider
	Routes      []pos.CodeRoute
	Policy      Policy
	Now         func() time.Time
	NewID       func() string
	// Sleep waits d or until ctx ends; tests replace it to run without waiting.
	Sleep func(ctx context.Context, d time.Duration) error
	// Sales, if set, lets a resolver decide about a late success (late.go):
	// complete its waiting cart, or refund it when the sale was completed
	// without it or let go. Nil: a late success is only recorded.
	Sales LateStore
	// OnNotice, if set, is told what happened to payments while no cashier
	// waited for them. It is called on the resolver's goroutine and must
	// not block (the screen hands it to its own goroutine).
	OnNotice func(Notice)
	// Notifiers verify the providers' notifications (notify.go); a provider
	// without a verifier has its notifications refused.
	Notifiers map[pos.Provider]NotifyVerifier

	busy sync.Map // out_trade_no or out_refund_no → struct{}: what a flow is running now
	// booking serializes the booking of refunds: each reads the payment's
	// refunded total as it is now, adds its amount and writes it back.
	booking sync.Mutex
}

// own marks id as driven by a running flow, so Resolve (the sweeper, the
// 查询 button) leaves it alone; release ends that.
func (s *Service) own(id string) { s.busy.Store(id, struct{}{}) }

func (s *Service) release(id string) { s.busy.Delete(id) }

// tryOwn marks id as driven by the caller unless something else drives it
// already, and reports whether it did.
func (s *Service) tryOwn(id string) bool {
	_, taken := s.busy.LoadOrStore(id, struct{}{})
	return !taken
}

// Update reports a payment's progress to the screen as it changes.
type Update = func(p pos.Payment)

// ErrNoProvider means the channel a code belongs to is not configured.
var ErrNoProvider = pos.Errorf(pos.CodeUnavailable, "payments: channel not configured")

func (s *Service) sleep(ctx context.Context, d time.Duration) error {
	if s.Sleep != nil {
		return s.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// step moves p by ev with the provider's words and saves it. A success a
// resolver finds (late: no cashier waits for it) goes to stepLate.
func (s *Service) step(ctx context.Context, p pos.Payment, ev pos.PayEvent, r pos.ProviderResult) (pos.Payment, error) {
	if ev == pos.EvSuccess && p.State != pos.PaySucceeded && s.Sales != nil && resolving(ctx) {
		return s.stepLate(ctx, p, r)
	}
	next, err := apply(p, ev, r, s.Now())
	if err != nil {
		return p, err
	}
	if err := s.save(ctx, next); err != nil {
		return p, err
	}
	return next, nil
}

// apply returns p after ev, with the provider's words.
func apply(p pos.Payment, ev pos.PayEvent, r pos.ProviderResult, at time.Time) (pos.Payment, error) {
	next, err := p.Next(ev, at)
	if err != nil {
		return p, err
	}
	if r.TradeNo != "" {
		next.TradeNo = r.TradeNo
	}
	if r.Buyer != "" {
		next.Buyer = r.Buyer
	}
	if r.QR != "" {
		next.QR = r.QR
	}
	if r.Reason != "" || ev == pos.EvSuccess {
		next.Reason = r.Reason
	}
	return next, nil
}

// save writes p, whatever ctx says: a state reached must be recorded.
func (s *Service) save(ctx context.Context, p pos.Payment) error {
	if err := s.Store.SavePayment(context.WithoutCancel(ctx), p); err != nil {
		return fmt.Errorf("payments: save %s as %s: %w", p.ID, p.State, err)
	}
	return nil
}

// resolvingKey marks a context as a resolver's (Resolve, Notify): no
// cashier waits for the payment, so a success found is a late one.
type resolvingKey struct{}

func resolving(ctx context.Context) bool { return ctx.Value(resolvingKey{}) != nil }

// event maps a provider's answer on a pay or query to a payment event.
func event(r pos.ProviderResult, err error) pos.PayEvent {
	if err != nil {
		return pos.EvUnknown
	}
	switch r.Status {
	case pos.StatusSuccess:
		return pos.EvSuccess
	case pos.StatusFailed, pos.StatusClosed:
		return pos.EvFail
	case pos.StatusWaiting:
		return pos.EvWaiting
	}
	return pos.EvUnknown // not found, or unknown: the request may still be in flight
}
