package outbox

import (
	"context"
	"encoding/json"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// Jobs of the payment service: resolving a payment whose outcome the till
// does not know (待确认), and a refund the provider has not confirmed.

// Resolver is what the handlers need of the payment service
// (sync/payments.Service).
type Resolver interface {
	// Resolve brings an open payment to a final state if the provider
	// answers; a payment a running flow owns is returned unchanged.
	Resolve(ctx context.Context, id string) (pos.Payment, error)
	// ResolveRefunds asks about every pending refund and returns those
	// still pending.
	ResolveRefunds(ctx context.Context) ([]pos.Refund, error)
}

// paymentRequest is a resolve_payment job's payload: what the payment was,
// so a job that does not match the stored payment is caught, not obeyed.
type paymentRequest struct {
	Provider pos.Provider `json:"provider"`
	Amount   money.Fen    `json:"amount_fen"`
	SaleID   string       `json:"sale_id"`
}

// refundRequest is a resolve_refund job's payload.
type refundRequest struct {
	RefundID string       `json:"refund_id"`
	SaleID   string       `json:"sale_id"`
	Provider pos.Provider `json:"provider"`
	Amount   money.Fen    `json:"amount_fen"`
}

// PaymentJob is the job that resolves payment p, due at due. Its ID is
// derived from the out_trade_no, so enqueueing it again is a no-op.
func PaymentJob(p pos.Payment, due time.Time) pos.Job {
	payload, _ := json.Marshal(paymentRequest{Provider: p.Provider, Amount: p.Amount, SaleID: p.SaleID}) // plain struct: cannot fail
	return pos.NewJob("resolve_payment:"+p.ID, pos.JobResolvePayment, p.ID, payload, due)
}

// RefundJob is the job that resolves refund r of a payment at provider,
// due at due. It shares the payment's key, so it runs after the payment's
// own job.
func RefundJob(r pos.Refund, provider pos.Provider, due time.Time) pos.Job {
	payload, _ := json.Marshal(refundRequest{RefundID: r.ID, SaleID: r.SaleID, Provider: provider, Amount: r.Amount}) // cannot fail
	return pos.NewJob("resolve_refund:"+r.ID, pos.JobResolveRefund, r.PaymentID, payload, due)
}

// LinkFunc reports how well a provider can be reached (sync/linkstate's
// Monitor.State); nil means always try.
type LinkFunc func(pos.Provider) pos.Link

// PaymentHandler resolves payments (pos.JobResolvePayment).
type PaymentHandler struct {
	Payments Resolver
	Link     LinkFunc
	// Settled, if set, is told of a payment that has reached its outcome:
	// the till completes the sale a late success paid for, or lets the
	// cashier know it failed. It must be idempotent: a job can run twice.
	Settled func(ctx context.Context, p pos.Payment) error
}

// Handle resolves the job's payment once. A payment still open is
// pos.CodeUnavailable (retried later); a job that does not match its
// payment is pos.CodeConflict (parked).
func (h PaymentHandler) Handle(ctx context.Context, j pos.Job) error {
	var req paymentRequest
	if err := json.Unmarshal(j.Payload, &req); err != nil {
		return pos.Errorf(pos.CodeInternal, "outbox: resolve %s: payload: %w", j.Key, err)
	}
	if h.Link != nil && h.Link(req.Provider) == pos.LinkOffline {
		return ErrOffline
	}
	p, err := h.Payments.Resolve(ctx, j.Key)
	if err != nil {
		return pos.Errorf(pos.ErrorCode(err), "outbox: resolve %s: %w", j.Key, err)
	}
	if p.Provider != req.Provider || p.Amount != req.Amount {
		return pos.Errorf(pos.CodeConflict, "outbox: resolve %s: the job is for %s %v, the payment is %s %v",
			j.Key, req.Provider, req.Amount, p.Provider, p.Amount)
	}
	if !p.State.Final() && p.State != pos.PayRefunding { // refunding: charged; the refund has a job of its own
		return pos.Errorf(pos.CodeUnavailable, "outbox: payment %s still %s: %s", p.ID, p.State, p.Reason)
	}
	if h.Settled != nil {
		if err := h.Settled(ctx, p); err != nil {
			return pos.Errorf(pos.ErrorCode(err), "outbox: payment %s settled as %s: %w", p.ID, p.State, err)
		}
	}
	return nil
}

// RefundHandler resolves refunds (pos.JobResolveRefund).
type RefundHandler struct {
	Payments Resolver
	Link     LinkFunc
}

// Handle asks about the pending refunds; the job is done when its refund is
// no longer pending (done, or refused: either way the provider has said).
func (h RefundHandler) Handle(ctx context.Context, j pos.Job) error {
	var req refundRequest
	if err := json.Unmarshal(j.Payload, &req); err != nil || req.RefundID == "" {
		return pos.Errorf(pos.CodeInternal, "outbox: refund job %s: bad payload %q: %v", j.ID, j.Payload, err)
	}
	if h.Link != nil && h.Link(req.Provider) == pos.LinkOffline {
		return ErrOffline
	}
	still, err := h.Payments.ResolveRefunds(ctx)
	if err != nil {
		return pos.Errorf(pos.ErrorCode(err), "outbox: refund %s: %w", req.RefundID, err)
	}
	for _, r := range still {
		if r.ID == req.RefundID {
			return pos.Errorf(pos.CodeUnavailable, "outbox: refund %s still pending", r.ID)
		}
	}
	return nil
}

// PaymentJobs is what PaymentStore needs to save a payment with its job.
type PaymentJobs interface {
	SavePaymentWithJobs(ctx context.Context, p pos.Payment, jobs ...pos.Job) error
}

// PaymentStore is a pos.PaymentStore that, when a payment is first saved as
// authorizing (just before its request leaves the till), enqueues the job
// that resolves it in the same transaction. If the till dies before it
// knows the outcome, the job is already there; if the flow ends normally,
// the job finds the payment final and costs no network call.
type PaymentStore struct {
	pos.PaymentStore
	Jobs PaymentJobs
	// Delay is how long after the request the job falls due: at least the
	// flow's own wait, so the job does not race a running flow (nil: 1 min).
	Delay func(p pos.Payment) time.Duration
	// Enqueued, if set, is called after a job was saved: Worker.Wake.
	Enqueued func()
}

// SavePayment saves p, with its resolve job when p is authorizing.
func (s PaymentStore) SavePayment(ctx context.Context, p pos.Payment) error {
	if p.State != pos.PayAuthorizing {
		return s.PaymentStore.SavePayment(ctx, p)
	}
	delay := time.Minute
	if s.Delay != nil {
		delay = s.Delay(p)
	}
	if err := s.Jobs.SavePaymentWithJobs(ctx, p, PaymentJob(p, p.Updated.Add(delay))); err != nil {
		return err
	}
	if s.Enqueued != nil {
		s.Enqueued()
	}
	return nil
}
