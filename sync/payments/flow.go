package payments

import (
	"context"
	"fmt"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// PayCode charges a customer's payment code (B扫C) for amount. It returns
// when the payment is final, or when no final answer could be had (state
// Unknown or Cancelling: shown as 待确认 and resolved later by Resolve).
// ctx ending means the cashier gave up: the payment is then cancelled at the
// provider, with a context of its own.
func (s *Service) PayCode(ctx context.Context, saleID, code string, amount money.Fen, update Update) (pos.Payment, error) {
	if err := ctx.Err(); err != nil {
		return pos.Payment{}, err // given up before anything was sent
	}
	provider, code, err := pos.RoutePaymentCode(code, s.routes())
	if err != nil {
		return pos.Payment{}, err
	}
	prov, ok := s.Providers[provider]
	if !ok {
		return pos.Payment{}, pos.Errorf(pos.CodeUnavailable, "payments: %s: %w", provider, ErrNoProvider)
	}
	p, err := s.start(ctx, saleID, provider, pos.ModeCode, amount, pos.MaskCode(code))
	if err != nil {
		return p, err
	}
	defer s.release(p.ID)
	notify(update, p)
	r, perr := prov.Pay(context.WithoutCancel(ctx), pos.PayRequest{OutTradeNo: p.ID, AuthCode: code, Amount: amount, Subject: Subject})
	if p, err = s.step(ctx, p, event(r, perr), reasonOf(r, perr)); err != nil {
		return p, err
	}
	notify(update, p)
	return s.settle(ctx, prov, p, s.policy().PollFor, update)
}

// PayQR shows the shop's dynamic QR (C扫B) for amount and waits for the
// customer to pay. update receives the payment with its QR to show.
func (s *Service) PayQR(ctx context.Context, saleID string, provider pos.Provider, amount money.Fen, update Update) (pos.Payment, error) {
	prov, ok := s.Providers[provider]
	if !ok {
		return pos.Payment{}, pos.Errorf(pos.CodeUnavailable, "payments: %s: %w", provider, ErrNoProvider)
	}
	p, err := s.start(ctx, saleID, provider, pos.ModeQR, amount, "")
	if err != nil {
		return p, err
	}
	defer s.release(p.ID)
	r, perr := prov.Precreate(context.WithoutCancel(ctx), pos.PayRequest{OutTradeNo: p.ID, Amount: amount, Subject: Subject})
	if perr == nil && r.Status == pos.StatusWaiting && r.QR == "" {
		perr = pos.Errorf(pos.CodeInternal, "payments: %s precreate %s gave no QR", provider, p.ID)
	}
	if p, err = s.step(ctx, p, event(r, perr), reasonOf(r, perr)); err != nil {
		return p, err
	}
	notify(update, p)
	return s.settle(ctx, prov, p, s.policy().QRFor, update)
}

// start makes a new attempt with a fresh out_trade_no and saves it as
// authorizing, in one write, before the request leaves: a crash from here
// on leaves a payment that startup resolves by query.
func (s *Service) start(ctx context.Context, saleID string, provider pos.Provider, mode pos.PaymentMode, amount money.Fen, codeMask string) (pos.Payment, error) {
	p, err := pos.NewPayment(s.NewID(), saleID, provider, mode, amount, s.Now())
	if err != nil {
		return p, err
	}
	p.CodeMask = codeMask
	p.Staff = pos.ActorOf(ctx) // the screen's context names who takes it
	if p, err = p.Next(pos.EvSend, s.Now()); err != nil {
		return p, err
	}
	s.own(p.ID)
	if err := s.Store.SavePayment(context.WithoutCancel(ctx), p); err != nil {
		s.release(p.ID)
		return p, fmt.Errorf("payments: save new %s: %w", p.ID, err)
	}
	return p, nil
}

// settle polls a waiting or unknown payment until it is final or the wait
// is over, then cancels it.
func (s *Service) settle(ctx context.Context, prov Provider, p pos.Payment, wait time.Duration, update Update) (pos.Payment, error) {
	pol := s.policy()
	deadline := p.Updated.Add(wait)
	for !p.State.Final() && s.Now().Before(deadline) {
		if err := s.sleep(ctx, pol.PollEvery); err != nil {
			break // the cashier gave up
		}
		var err error
		if p, err = s.query(ctx, prov, p); err != nil {
			return p, err
		}
		notify(update, p)
	}
	if p.State.Final() {
		return p, nil
	}
	p, err := s.cancel(context.WithoutCancel(ctx), prov, p)
	notify(update, p)
	return p, err
}

// query asks the provider once and records the answer.
func (s *Service) query(ctx context.Context, prov Provider, p pos.Payment) (pos.Payment, error) {
	p.Tries++
	r, err := prov.Query(context.WithoutCancel(ctx), p.ID)
	if err == nil && r.Status == pos.StatusNotFound && p.Mode == pos.ModeQR && p.QR != "" &&
		s.Now().Before(p.Created.Add(s.policy().QRExpiry)) {
		// Alipay creates a precreated trade only when the customer scans
		// it: until then "no such trade" means "not scanned yet", and the
		// QR on the screen is still good.
		r = pos.ProviderResult{Status: pos.StatusWaiting, Reason: p.Reason}
	}
	return s.step(ctx, p, event(r, err), reasonOf(r, err))
}

// cancel voids the attempt at the provider (Alipay cancel, WeChat reverse,
// close of a QR). A cancel of a paid trade refunds it, so the customer is
// never charged for a sale the till shows as failed. If no cancel gets a
// definite answer, the payment stays Cancelling for Resolve.
func (s *Service) cancel(ctx context.Context, prov Provider, p pos.Payment) (pos.Payment, error) {
	pol := s.policy()
	p, err := s.step(ctx, p, pos.EvCancel, pos.ProviderResult{})
	if err != nil {
		return p, err
	}
	for try := 0; try < max(1, pol.CancelTries); try++ {
		if try > 0 {
			if err := s.sleep(ctx, pol.CancelEvery); err != nil {
				return p, nil
			}
		}
		p.Tries++
		r, cerr := prov.Cancel(ctx, p.ID)
		switch {
		case cerr == nil && r.Status == pos.StatusNotFound && p.Mode == pos.ModeQR && s.Now().Before(p.Created.Add(pol.QRExpiry)):
			// An unscanned QR is unknown to the provider yet still payable
			// until it expires: stay cancelling; Resolve closes it again.
			return s.step(ctx, p, pos.EvUnknown, pos.ProviderResult{Reason: "收款码未过期，稍后再关闭"})
		case cerr == nil && (r.Status == pos.StatusClosed || r.Status == pos.StatusNotFound || r.Status == pos.StatusSuccess && !r.Retry):
			return s.step(ctx, p, pos.EvReversed, r)
		case cerr == nil && r.Status == pos.StatusFailed:
			// The provider refuses the cancel: ask what the trade is, it
			// may have been paid after all.
			q, qerr := prov.Query(ctx, p.ID)
			if qerr == nil && q.Status == pos.StatusSuccess {
				return s.step(ctx, p, pos.EvSuccess, q)
			}
			if qerr == nil && (q.Status == pos.StatusClosed || q.Status == pos.StatusFailed || q.Status == pos.StatusNotFound) {
				return s.step(ctx, p, pos.EvFail, q)
			}
		}
		if p, err = s.step(ctx, p, pos.EvUnknown, reasonOf(r, cerr)); err != nil {
			return p, err
		}
	}
	return p, nil
}

// Resolve brings an open payment to a final state if the provider answers:
// the 查询 button, startup, and the sweeper call it. A waiting or unknown
// payment whose time is up is cancelled. A success found here is late
// (late.go): its cart is told, or it is refunded when nothing needs it.
func (s *Service) Resolve(ctx context.Context, id string) (pos.Payment, error) {
	if !s.tryOwn(id) { // a running flow, or another Resolve, is deciding it
		return s.Store.Payment(ctx, id)
	}
	defer s.release(id)
	p, err := s.Store.Payment(ctx, id) // read once owned: what another resolver saved is seen
	if err != nil || p.State.Final() {
		return p, err
	}
	if p.Mode == pos.ModeCard { // reversed, never booked late: sync/cardpay's ResolveCard
		return p, pos.Errorf(pos.CodeConflict, "payments: %s is a card payment; the card service resolves it", p.ID)
	}
	prov, ok := s.Providers[p.Provider]
	if !ok {
		return p, pos.Errorf(pos.CodeUnavailable, "payments: %s: %w", p.Provider, ErrNoProvider)
	}
	return s.resolveOwned(context.WithValue(ctx, resolvingKey{}, true), prov, p)
}

// resolveOwned is Resolve once the caller owns the open payment p.
func (s *Service) resolveOwned(ctx context.Context, prov Provider, p pos.Payment) (pos.Payment, error) {
	var err error
	switch p.State {
	case pos.PayCreated: // never sent: nothing can have been charged
		return s.step(ctx, p, pos.EvFail, pos.ProviderResult{Reason: "未发送"})
	case pos.PayRefunding:
		return s.resumeLateRefund(ctx, prov, p)
	case pos.PayCancelling:
		p, err = s.cancel(ctx, prov, p)
	default:
		if p, err = s.query(ctx, prov, p); err == nil && !p.State.Final() && p.State != pos.PayRefunding &&
			s.Now().Sub(p.Created) >= s.policy().PollFor {
			p, err = s.cancel(ctx, prov, p)
		}
	}
	if err == nil && p.State == pos.PayRefunding { // a late success nothing needs
		return s.lateRefund(ctx, prov, p, true)
	}
	return p, err
}

// resumeLateRefund carries on with the automatic refund of a late success;
// a cashier's refund is left to ResolveRefunds.
func (s *Service) resumeLateRefund(ctx context.Context, prov Provider, p pos.Payment) (pos.Payment, error) {
	if s.Sales == nil {
		return p, nil
	}
	late, err := s.isLateRefund(ctx, p)
	if err != nil || !late {
		return p, err
	}
	return s.lateRefund(ctx, prov, p, false)
}

// Recover resolves every open wallet payment, as the till does at startup
// (card payments are the card service's: its jobs reverse them). It
// returns the payments that are still open, for the 待确认 list.
func (s *Service) Recover(ctx context.Context) ([]pos.Payment, error) {
	open, err := s.Store.OpenPayments(ctx)
	if err != nil {
		return nil, err
	}
	var still []pos.Payment
	for _, p := range open {
		if p.Mode == pos.ModeCard { // the card service's (its resolve job reverses it)
			still = append(still, p)
			continue
		}
		p, err := s.Resolve(ctx, p.ID)
		if err != nil && pos.ErrorCode(err) != pos.CodeUnavailable {
			return still, err
		}
		if !p.State.Final() {
			still = append(still, p)
		}
	}
	return still, nil
}

func (s *Service) policy() Policy {
	if s.Policy == (Policy{}) {
		return DefaultPolicy()
	}
	return s.Policy
}

func (s *Service) routes() []pos.CodeRoute {
	if s.Routes == nil {
		return pos.DefaultCodeRoutes
	}
	return s.Routes
}

func notify(u Update, p pos.Payment) {
	if u != nil {
		u(p)
	}
}

// Subject is what the customer's wallet shows the payment as.
const Subject = "掌柜收银消费"

// reasonOf keeps the provider's reason, or the transport's problem.
func reasonOf(r pos.ProviderResult, err error) pos.ProviderResult {
	if err != nil && r.Reason == "" {
		r.Reason = "网络或支付机构无确定应答"
	}
	return r
}
