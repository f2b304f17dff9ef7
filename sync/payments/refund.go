package payments

import (
	"context"
	"fmt"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// RefundStore keeps refunds; storage.DB is one.
type RefundStore interface {
	// SaveRefund writes r and, if not nil, the payment it refunds, in one
	// transaction; a done refund's entry is booked in it.
	SaveRefund(ctx context.Context, r pos.Refund, p *pos.Payment) error
	Refunds(ctx context.Context, saleID string) ([]pos.Refund, error)
	PendingRefunds(ctx context.Context) ([]pos.Refund, error)
}

// Refund returns amount of tender i of sale: cash from the drawer at once,
// a wallet payment through its provider. The refund is saved as pending,
// with its out_refund_no, before the provider is asked; a retry sends the
// same number, so a refund is never paid twice.
func (s *Service) Refund(ctx context.Context, sale *pos.Sale, i int, amount money.Fen, reason string) (pos.Refund, error) {
	prior, err := s.RefundStore.Refunds(ctx, sale.ID)
	if err != nil {
		return pos.Refund{}, err
	}
	r, err := pos.NewRefund(sale, i, amount, prior, s.NewID(), reason, s.Now())
	if err != nil {
		return r, err
	}
	r.Staff = pos.ActorOf(ctx) // the screen's context names who gives it
	s.own(r.ID)                // ResolveRefunds leaves it to this flow
	defer s.release(r.ID)
	if r.PaymentID == "" { // cash (or a tender with no provider): back from the drawer now
		if r, err = r.Done(s.NewID(), s.Now()); err != nil {
			return r, err
		}
		return r, s.RefundStore.SaveRefund(ctx, r, nil)
	}
	p, err := s.startRefund(ctx, r)
	if err != nil {
		return r, err
	}
	return s.settleRefund(context.WithoutCancel(ctx), s.Providers[p.Provider], r, p, true)
}

// RefundInCash returns amount of tender i of sale in cash from the drawer,
// whatever the tender was (pos.NewCashRefund): booked at once like a cash
// refund. A wallet or card payment it refunds stays as it was: nothing is
// asked of the provider, and the reconciliation expects no refund of it.
func (s *Service) RefundInCash(ctx context.Context, sale *pos.Sale, i int, amount money.Fen, reason string) (pos.Refund, error) {
	prior, err := s.RefundStore.Refunds(ctx, sale.ID)
	if err != nil {
		return pos.Refund{}, err
	}
	r, err := pos.NewCashRefund(sale, i, amount, prior, s.NewID(), reason, s.Now())
	if err != nil {
		return r, err
	}
	r.Staff = pos.ActorOf(ctx)
	if r, err = r.Done(s.NewID(), s.Now()); err != nil {
		return r, err
	}
	return r, s.RefundStore.SaveRefund(ctx, r, nil)
}

// startRefund saves r as pending with its payment moved to refunding, one
// booking at a time: the payment is read under the same lock endRefund
// books under, or another refund of it ending meanwhile would have its
// amount overwritten by this save's stale refunded total.
func (s *Service) startRefund(ctx context.Context, r pos.Refund) (pos.Payment, error) {
	s.booking.Lock()
	defer s.booking.Unlock()
	p, err := s.Store.Payment(ctx, r.PaymentID)
	if err != nil {
		return p, err
	}
	if _, ok := s.Providers[p.Provider]; !ok {
		return p, pos.Errorf(pos.CodeUnavailable, "payments: %s: %w", p.Provider, ErrNoProvider)
	}
	if p, err = p.Next(pos.EvRefund, s.Now()); err != nil {
		return p, err
	}
	return p, s.RefundStore.SaveRefund(ctx, r, &p)
}

// settleRefund asks for the refund (send) and then its status until the
// provider gives a definite answer or the tries run out (the refund then
// stays pending for ResolveRefunds).
func (s *Service) settleRefund(ctx context.Context, prov Provider, r pos.Refund, p pos.Payment, send bool) (pos.Refund, error) {
	pol := s.policy()
	req := pos.RefundRequest{OutTradeNo: p.ID, OutRefundNo: r.ID, Amount: r.Amount, Total: p.Amount, Reason: r.Reason}
	var res pos.ProviderResult
	var err error
	if send {
		res, err = prov.Refund(ctx, req)
	} else {
		res, err = prov.RefundQuery(ctx, p.ID, r.ID)
	}
	for try := 0; try < 5; try++ {
		if err == nil && res.Status == pos.StatusNotFound && !send {
			res, err = prov.Refund(ctx, req) // the request never arrived: send it, same number
		}
		if err == nil && (res.Status == pos.StatusSuccess || res.Status == pos.StatusFailed || res.Status == pos.StatusClosed) {
			return s.endRefund(ctx, r, p, res)
		}
		if serr := s.sleep(ctx, pol.PollEvery); serr != nil {
			break
		}
		res, err = prov.RefundQuery(ctx, p.ID, r.ID)
	}
	return r, nil // pending: the sweeper asks again later
}

// endRefund records the provider's definite answer on the refund and its
// payment. The payment is read again, one booking at a time: another refund
// of it may have ended while this one waited, adding to its refunded total
// and moving it from refunding back to succeeded.
func (s *Service) endRefund(ctx context.Context, r pos.Refund, p pos.Payment, res pos.ProviderResult) (pos.Refund, error) {
	s.booking.Lock()
	defer s.booking.Unlock()
	p, err := s.Store.Payment(ctx, p.ID)
	if err != nil {
		return r, fmt.Errorf("payments: refund %s: %w", r.ID, err)
	}
	if p.State == pos.PaySucceeded { // another refund of it ended first
		if p, err = p.Next(pos.EvRefund, s.Now()); err != nil {
			return r, fmt.Errorf("payments: refund %s: %w", r.ID, err)
		}
	}
	if res.Status != pos.StatusSuccess {
		r.State, r.Reason = pos.RefundFailed, res.Reason
		if p, err = p.Next(pos.EvRefundBad, s.Now()); err != nil {
			return r, err
		}
		return r, s.RefundStore.SaveRefund(ctx, r, &p)
	}
	if r, err = r.Done(s.NewID(), s.Now()); err != nil {
		return r, err
	}
	p.Refunded += r.Amount
	ev := pos.EvRefundPart
	if p.Refunded == p.Amount {
		ev = pos.EvRefunded
	}
	if p, err = p.Next(ev, s.Now()); err != nil {
		return r, fmt.Errorf("payments: refund %s: %w", r.ID, err)
	}
	return r, s.RefundStore.SaveRefund(ctx, r, &p)
}

// ResolveRefunds asks about every pending refund, as startup and the
// sweeper do, and returns those still pending.
func (s *Service) ResolveRefunds(ctx context.Context) ([]pos.Refund, error) {
	if s.RefundStore == nil {
		return nil, nil
	}
	pending, err := s.RefundStore.PendingRefunds(ctx)
	if err != nil {
		return nil, err
	}
	var still []pos.Refund
	for _, r := range pending {
		if r, err = s.resolveRefund(ctx, r); err != nil {
			return still, err
		}
		if r.State == pos.RefundPending {
			still = append(still, r)
		}
	}
	return still, nil
}

// resolveRefund asks about one pending refund, unless a flow (the
// cashier's Refund, another ResolveRefunds) is waiting for its answer
// already. Once it owns the refund it reads it again: the other flow may
// have ended it meanwhile.
func (s *Service) resolveRefund(ctx context.Context, r pos.Refund) (pos.Refund, error) {
	if !s.tryOwn(r.ID) {
		return r, nil
	}
	defer s.release(r.ID)
	rs, err := s.RefundStore.Refunds(ctx, r.SaleID)
	if err != nil {
		return r, err
	}
	for _, now := range rs {
		if now.ID == r.ID {
			r = now
		}
	}
	if r.State != pos.RefundPending {
		return r, nil
	}
	p, err := s.Store.Payment(ctx, r.PaymentID)
	if err != nil {
		return r, err
	}
	prov, ok := s.Providers[p.Provider]
	if !ok {
		return r, nil
	}
	return s.settleRefund(ctx, prov, r, p, false)
}
