package payments

import (
	"context"
	"fmt"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// A late success is a payment found paid by a resolver (the sweeper, the
// 查询 button, a notification, startup) after the till stopped waiting for
// it. What the customer paid for decides what happens to the money:
//
//   - the cart still waits (current or held) and the payment does not pay
//     more than its total: the sale is to be completed with it; the till
//     (the screen that owns the cart) is told with NoticeLatePaid;
//   - the sale was completed without it (cash, another wallet), the cart
//     was cleared or let go, or it is paid already: the payment is refunded
//     in full, automatically (NoticeLateRefund, then NoticeLateRefunded).
//
// The refund is decided before the success is saved and saved in the same
// write (state refunding, with the reason), so a crash cannot leave a paid
// payment that nothing pays for and nobody refunds. Its out_refund_no is
// derived from the out_trade_no (LateRefundNo): every retry, after a crash
// too, sends the same number. Nothing is booked in the ledger for such a
// payment: it was never part of a sale, and all of it goes back, so the
// provider's clearing account nets to what really moved.

// LateStore tells what became of the sale a payment was for;
// storage.DB is one.
type LateStore interface {
	// Sale returns a completed sale; a pos.CodeNotFound error when none.
	Sale(ctx context.Context, id string) (*pos.Sale, error)
	CurrentCart(ctx context.Context) (*pos.Cart, error)
	HeldCarts(ctx context.Context) ([]*pos.Cart, error)
}

// Notices are pos.PaymentNotice: the screens word them (pos is the
// vocabulary both sides share).
type (
	NoticeKind = pos.PaymentNoticeKind
	Notice     = pos.PaymentNotice
)

// Notices for the cashier (see pos).
const (
	NoticeLatePaid         = pos.NoticeLatePaid
	NoticeLateRefund       = pos.NoticeLateRefund
	NoticeLateRefunded     = pos.NoticeLateRefunded
	NoticeLateRefundFailed = pos.NoticeLateRefundFailed
	NoticeConflict         = pos.NoticeConflict
	NoticeBadNotification  = pos.NoticeBadNotification
)

// notice tells the till, if it listens.
func (s *Service) notice(k NoticeKind, p pos.Payment, why string) {
	if s.OnNotice != nil {
		s.OnNotice(Notice{Kind: k, Payment: p, Why: why})
	}
}

// LateRefundNo is the out_refund_no of the automatic refund of a late
// success: derived from its out_trade_no, so every retry sends the same.
func LateRefundNo(outTradeNo string) string { return pos.LateRefundNo(outTradeNo) }

// lateRefundReason is what the customer's wallet shows for the refund.
const lateRefundReason = "订单已用其他方式结清，自动退款"

// disposition decides what to do with the late success p: refund it
// (with why) or leave it succeeded for its waiting cart.
func (s *Service) disposition(ctx context.Context, p pos.Payment) (refund bool, why string, err error) {
	sale, err := s.Sales.Sale(ctx, p.SaleID)
	switch {
	case err == nil:
		for _, t := range sale.Tenders {
			if t.PaymentID == p.ID {
				return false, "", nil // it is the sale's own tender
			}
		}
		return true, fmt.Sprintf("sale %s was completed without it", sale.No), nil
	case pos.ErrorCode(err) != pos.CodeNotFound:
		return false, "", fmt.Errorf("payments: late success %s: sale: %w", p.ID, err)
	}
	cart, err := s.waitingCart(ctx, p.SaleID)
	if err != nil {
		return false, "", fmt.Errorf("payments: late success %s: cart: %w", p.ID, err)
	}
	if cart == nil || len(cart.Lines) == 0 {
		return true, "its sale was cleared or let go", nil
	}
	others, err := s.Store.PaymentsForSale(ctx, p.SaleID)
	if err != nil {
		return false, "", fmt.Errorf("payments: late success %s: %w", p.ID, err)
	}
	var paid money.Fen
	for _, o := range others {
		if o.ID != p.ID && o.State == pos.PaySucceeded { // one being refunded pays nothing
			paid += o.Amount
		}
	}
	if total := cart.Totals().Total; paid+p.Amount > total {
		return true, fmt.Sprintf("the sale of %v is paid %v without it", total, paid), nil
	}
	return false, "", nil
}

// waitingCart finds the cart with id among the current and held ones.
func (s *Service) waitingCart(ctx context.Context, id string) (*pos.Cart, error) {
	cur, err := s.Sales.CurrentCart(ctx)
	if err != nil {
		return nil, err
	}
	if cur != nil && cur.ID == id {
		return cur, nil
	}
	held, err := s.Sales.HeldCarts(ctx)
	for _, c := range held {
		if c.ID == id {
			return c, err
		}
	}
	return nil, err
}

// stepLate records the success a resolver found: as succeeded for a cart
// that still waits (unless its sale was saved meanwhile), or straight as
// refunding when nothing needs the money, in one write either way.
func (s *Service) stepLate(ctx context.Context, p pos.Payment, r pos.ProviderResult) (pos.Payment, error) {
	next, err := apply(p, pos.EvSuccess, r, s.Now())
	if err != nil {
		return p, err
	}
	refund, why, err := s.disposition(ctx, next)
	if err != nil {
		return p, err // nothing saved: the next resolve asks again
	}
	if !refund {
		// The cart waited when asked; the checkout may complete it in cash
		// before this is saved. Save it only if the sale is still unsaved,
		// in one transaction (the sale's own transaction refuses a sale
		// that leaves out a succeeded payment): else refund it after all.
		saved, err := s.saveUnlessSold(ctx, next)
		if err != nil {
			return p, err
		}
		if saved {
			s.notice(NoticeLatePaid, next, "its cart waits")
			return next, nil
		}
		why = "its sale was completed without it meanwhile"
	}
	next.Reason = "到账晚于放弃，自动退款：" + why
	if next, err = next.Next(pos.EvRefund, s.Now()); err != nil {
		return p, err
	}
	if err := s.save(ctx, next); err != nil {
		return p, err
	}
	s.notice(NoticeLateRefund, next, why)
	return next, nil
}

// lateGuard is the store's transaction that records a late success only
// while its sale is unsaved (storage.DB.SavePaymentUnlessSold).
type lateGuard interface {
	SavePaymentUnlessSold(ctx context.Context, p pos.Payment) (saved bool, err error)
}

// saveUnlessSold saves the late success p for its waiting cart, unless the
// sale was saved meanwhile; a store without the guard saves it plainly.
func (s *Service) saveUnlessSold(ctx context.Context, p pos.Payment) (bool, error) {
	g, ok := s.Sales.(lateGuard)
	if !ok {
		return true, s.save(ctx, p)
	}
	saved, err := g.SavePaymentUnlessSold(context.WithoutCancel(ctx), p)
	if err != nil {
		return false, fmt.Errorf("payments: save %s as %s: %w", p.ID, p.State, err)
	}
	return saved, nil
}

// isLateRefund reports whether the refunding payment p is refunding a late
// success (no refund record of its own) rather than a cashier's refund.
func (s *Service) isLateRefund(ctx context.Context, p pos.Payment) (bool, error) {
	if s.RefundStore == nil {
		return true, nil
	}
	rs, err := s.RefundStore.Refunds(ctx, p.SaleID)
	if err != nil {
		return false, err
	}
	for _, r := range rs {
		if r.PaymentID == p.ID {
			return false, nil
		}
	}
	return true, nil
}

// lateRefund asks for the automatic refund of the late success p (state
// refunding, saved): send says whether to send it first (a fresh
// decision) or ask about it first (a resumed one; it is sent, with the
// same number, if the provider never got it). With no definite answer the
// payment stays refunding and the error is ErrLateRefundPending.
func (s *Service) lateRefund(ctx context.Context, prov Provider, p pos.Payment, send bool) (pos.Payment, error) {
	req := pos.RefundRequest{OutTradeNo: p.ID, OutRefundNo: LateRefundNo(p.ID), Amount: p.Amount - p.Refunded,
		Total: p.Amount, Reason: lateRefundReason}
	var res pos.ProviderResult
	var err error
	if send {
		res, err = prov.Refund(ctx, req)
	} else {
		res, err = prov.RefundQuery(ctx, p.ID, req.OutRefundNo)
	}
	for try := 0; try < 5; try++ {
		if err == nil && res.Status == pos.StatusNotFound {
			res, err = prov.Refund(ctx, req) // it never arrived: send it, same number
		}
		if err == nil && (res.Status == pos.StatusSuccess || res.Status == pos.StatusFailed || res.Status == pos.StatusClosed) {
			return s.endLateRefund(ctx, p, res)
		}
		if serr := s.sleep(ctx, s.policy().PollEvery); serr != nil {
			break
		}
		res, err = prov.RefundQuery(ctx, p.ID, req.OutRefundNo)
	}
	// Still refunding: unavailable, so that the outbox retries its job
	// (it takes a refunding payment as settled) and the sweeper asks again.
	return p, pos.Errorf(pos.CodeUnavailable, "payments: automatic refund %s of %s: no answer yet: %w",
		req.OutRefundNo, p.ID, ErrLateRefundPending)
}

// ErrLateRefundPending means the automatic refund of a late success has
// been sent (or is to be sent again) but the provider has not confirmed it.
var ErrLateRefundPending = pos.Errorf(pos.CodeUnavailable, "payments: automatic refund not confirmed yet")

// endLateRefund records the provider's definite answer on the refund.
func (s *Service) endLateRefund(ctx context.Context, p pos.Payment, res pos.ProviderResult) (pos.Payment, error) {
	next := p
	var err error
	if res.Status == pos.StatusSuccess {
		next.Refunded = p.Amount
		next, err = next.Next(pos.EvRefunded, s.Now())
	} else {
		next.Reason = "自动退款被拒：" + res.Reason
		next, err = next.Next(pos.EvRefundBad, s.Now())
	}
	if err != nil {
		return p, err
	}
	if err := s.save(ctx, next); err != nil {
		return p, err
	}
	if next.State == pos.PayRefunded {
		s.notice(NoticeLateRefunded, next, "refunded in full")
	} else {
		s.notice(NoticeLateRefundFailed, next, res.Code+" "+res.Reason)
	}
	return next, nil
}
