package cardpay

import (
	"context"
	"fmt"
	"time"

	"zhanggui/pos"
)

// Outcomes the till does not know: the authorization got no answer it can
// trust. While the customer is still at the counter the acquirer is asked
// (a success is booked); then the order is reversed. A payment that a
// crash or a dead link left open is reversed by ResolveCard, never booked
// later: by then nobody is waiting for the sale, and a customer must never
// pay for one the till does not show.

// unknown records the unknown outcome, asks the acquirer and, failing a
// definite answer, reverses the order.
func (s *Service) unknown(ctx context.Context, r Request, out Outcome, cause error, stage func(Stage)) (Outcome, error) {
	ctx = context.WithoutCancel(ctx) // the authorization may have left: see it through
	s.log().Warn("card authorization unknown", "payment", out.Payment.ID, "card", out.Card.MaskedPAN, "err", cause)
	p, err := s.step(ctx, out.Payment, pos.EvUnknown, out.Card.Reason, out.Card)
	out.Payment = p
	if err != nil || s.Acquirer == nil {
		out.Pending, out.Reason = true, ReasonPending
		return out, err
	}
	notify(stage, StageQuerying)
	for try := range s.queryTries() {
		if try > 0 && s.sleep(ctx, s.queryEvery()) != nil {
			break
		}
		q, qerr := s.Acquirer.Query(ctx, p.ID)
		switch {
		case qerr == nil && q.Status == pos.StatusSuccess:
			out.Card.Approved, out.Card.TradeNo = true, q.TradeNo
			if out.Card.RRN == "" {
				out.Card.RRN = q.TradeNo // the acquirer's reference stands in on the receipt
			}
			return s.book(ctx, r, out, nil, stage)
		case qerr == nil && (q.Status == pos.StatusFailed || q.Status == pos.StatusClosed):
			return s.fail(ctx, out, q.Reason, nil)
		}
	}
	return s.reverse(ctx, out, cause, stage)
}

// reverse reverses the order at the acquirer, a few times if need be.
// Reversed, the cashier may take the payment again; still unknown, the
// payment stays cancelling (待确认) for its job.
func (s *Service) reverse(ctx context.Context, out Outcome, cause error, stage func(Stage)) (Outcome, error) {
	notify(stage, StageReversing)
	p, err := s.step(ctx, out.Payment, pos.EvCancel, "", pos.CardResult{})
	out.Payment = p
	if err != nil || s.Acquirer == nil {
		out.Pending, out.Reason = true, ReasonPending
		return out, err
	}
	for try := range s.queryTries() {
		if try > 0 && s.sleep(ctx, s.queryEvery()) != nil {
			break
		}
		if p, err = s.cancelOnce(ctx, p); err != nil || p.State.Final() {
			break
		}
	}
	out.Payment = p
	switch p.State {
	case pos.PayReversed, pos.PayFailed:
		out.Reason, out.Cash = ReasonReversed, true
	default:
		out.Pending, out.Reason = true, ReasonPending
	}
	s.log().Info("card order reversed after an unknown outcome", "payment", p.ID, "state", p.State, "cause", cause)
	return out, err
}

// cancelOnce sends one reverse for p (cancelling) and records the answer.
func (s *Service) cancelOnce(ctx context.Context, p pos.Payment) (pos.Payment, error) {
	p.Tries++
	r, err := s.Acquirer.Cancel(ctx, p.ID)
	switch {
	case err == nil && (r.Status == pos.StatusClosed || r.Status == pos.StatusNotFound ||
		r.Status == pos.StatusSuccess && !r.Retry):
		return s.step(ctx, p, pos.EvReversed, r.Reason, pos.CardResult{})
	case err == nil && r.Status == pos.StatusFailed:
		// The acquirer refuses the reverse: ask what the order is.
		q, qerr := s.Acquirer.Query(ctx, p.ID)
		if qerr == nil && (q.Status == pos.StatusFailed || q.Status == pos.StatusClosed || q.Status == pos.StatusNotFound) {
			return s.step(ctx, p, pos.EvFail, q.Reason, pos.CardResult{})
		}
	}
	reason := r.Reason
	if err != nil && reason == "" {
		reason = "收单机构无确定应答，稍后再撤销"
	}
	return s.step(ctx, p, pos.EvUnknown, reason, pos.CardResult{})
}

// ResolveCard brings an open card payment to a final state: one left open
// by a crash or a dead link is reversed at the acquirer (see above). A
// payment a running charge owns, or that stays open, comes back with a
// pos.CodeUnavailable error (try again later); a final one is returned as
// it is.
func (s *Service) ResolveCard(ctx context.Context, id string) (pos.Payment, error) {
	if _, taken := s.busy.LoadOrStore(id, struct{}{}); taken {
		p, err := s.Store.Payment(ctx, id)
		if err != nil {
			return p, err
		}
		return p, pos.Errorf(pos.CodeUnavailable, "cardpay: resolve %s: %w", id, errOwned)
	}
	defer s.busy.Delete(id)
	p, err := s.Store.Payment(ctx, id) // read once owned: what the charge saved is seen
	switch {
	case err != nil || p.State.Final():
		return p, err
	case p.Provider != Provider:
		return p, pos.Errorf(pos.CodeConflict, "cardpay: resolve %s: a %s payment, not a card's", id, p.Provider)
	case s.Acquirer == nil:
		return p, pos.Errorf(pos.CodeUnavailable, "cardpay: resolve %s: no acquirer configured", id)
	}
	if p.State != pos.PayCancelling {
		if p, err = s.step(ctx, p, pos.EvCancel, "", pos.CardResult{}); err != nil {
			return p, err
		}
	}
	if p, err = s.cancelOnce(ctx, p); err != nil {
		return p, err
	}
	if !p.State.Final() {
		return p, pos.Errorf(pos.CodeUnavailable, "cardpay: card payment %s still %s: %s", p.ID, p.State, p.Reason)
	}
	return p, nil
}

func (s *Service) queryTries() int {
	if s.QueryTries <= 0 {
		return 3
	}
	return s.QueryTries
}

func (s *Service) queryEvery() time.Duration {
	if s.QueryEvery <= 0 {
		return 2 * time.Second
	}
	return s.QueryEvery
}

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
		return fmt.Errorf("cardpay: %w", ctx.Err())
	}
}
