package providersim

import (
	"time"

	"zhanggui/pos/money"
)

// queryLocked finds a trade for a query; a query counts towards a
// password wait.
func (s *Sim) queryLocked(p Provider, outTradeNo, tradeNo string) *trade {
	t := s.findLocked(p, outTradeNo, tradeNo)
	if t != nil {
		s.resolveLocked(t, true)
	}
	return t
}

// reverseLocked cancels (Alipay) or reverses (WeChat, acquirer) t: an
// unpaid trade is closed, a paid one gets its money back. window counts
// from the trade's creation. refunded reports that money went back (now or
// by an earlier, repeated reverse).
func (s *Sim) reverseLocked(t *trade, window time.Duration) (refunded bool, f failure) {
	s.resolveLocked(t, false)
	switch t.state {
	case stReversed:
		return t.reversedPaid, fNone
	case stClosed:
		return false, fNone
	case stQRCreated, stWaiting, stFailed:
		t.state, t.pending, t.closedAt = stReversed, nil, s.now()
		return false, fNone
	}
	// stPaid
	if s.now().Sub(t.created) > window {
		return false, fWindow
	}
	if t.refunded > 0 {
		return false, fBadState
	}
	s.userLocked(t.userID).Balance += t.amount
	t.state, t.reversedPaid, t.closedAt = stReversed, true, s.now()
	t.feeReturned = t.fee
	s.book(Charge{Kind: ChargeReversal, Provider: t.provider, OutTradeNo: t.outTradeNo, TradeNo: t.tradeNo,
		UserID: t.userID, Amount: t.amount, Fee: t.fee, At: t.closedAt})
	return true, fNone
}

// closeLocked closes an unpaid trade. Closing a closed trade is fine;
// a paid or reversed one is fBadState.
func (s *Sim) closeLocked(t *trade) failure {
	s.resolveLocked(t, false)
	switch t.state {
	case stClosed:
		return fNone
	case stQRCreated, stWaiting, stFailed:
		t.state, t.pending, t.closedAt = stClosed, nil, s.now()
		return fNone
	}
	return fBadState
}

// refundReq is a refund as the engine sees it.
type refundReq struct {
	outRefundNo string
	amount      money.Fen
	reason      string
	window      time.Duration // after payment
	maxCount    int           // refunds per trade (0: no limit)
	gap         time.Duration // between refunds of a trade (≤ 0: no rule)
	global      bool          // out_refund_no is unique per merchant, not per trade
}

// refundLocked refunds part or all of a paid trade. A request number seen
// before answers with that refund and isNew false (idempotent); with
// another amount or trade it is fRefundDiscordant.
func (s *Sim) refundLocked(t *trade, q refundReq) (r *refund, isNew bool, f failure) {
	s.resolveLocked(t, false)
	if old, f := s.findRefund(t, q); old != nil || f != fNone {
		return old, false, f
	}
	switch {
	case t.state == stReversed:
		return nil, false, fOrderReversed
	case t.state != stPaid:
		return nil, false, fBadState
	case s.now().Sub(t.paidAt) > q.window:
		return nil, false, fWindow
	case q.amount <= 0:
		return nil, false, fAmountRange
	case t.refunded == t.amount:
		return nil, false, fFullyRefunded
	case q.amount > t.amount-t.refunded:
		return nil, false, fRefundExceeds
	case q.maxCount > 0 && len(t.refunds) >= q.maxCount:
		return nil, false, fRefundLimit
	case q.gap > 0 && len(t.refunds) > 0 && s.now().Sub(t.refunds[len(t.refunds)-1].at) < q.gap:
		return nil, false, fRefundGap
	}
	return s.bookRefundLocked(t, q), true, fNone
}

// findRefund looks for an earlier refund with q's number.
func (s *Sim) findRefund(t *trade, q refundReq) (*refund, failure) {
	var old *refund
	if q.global {
		old = s.refunds[refundKey{t.provider.namespace(), q.outRefundNo}]
	} else {
		for _, r := range t.refunds {
			if r.outRefundNo == q.outRefundNo {
				old = r
			}
		}
	}
	switch {
	case old == nil:
		return nil, fNone
	case old.t != t || old.amount != q.amount:
		return nil, fRefundDiscordant
	}
	return old, fNone
}

// bookRefundLocked moves the money of a checked refund. The fee goes back
// in proportion, rounded half up; the last refund returns what is left, so
// the returned fees add up to the fee charged.
func (s *Sim) bookRefundLocked(t *trade, q refundReq) *refund {
	fee := money.Percent(q.amount, s.cfg.FeeRateBP)
	if left := t.fee - t.feeReturned; fee > left || t.refunded+q.amount == t.amount {
		fee = left
	}
	r := &refund{t: t, outRefundNo: q.outRefundNo, amount: q.amount, fee: fee, reason: q.reason, at: s.now()}
	r.refundNo = s.newRefundNo(t.provider)
	t.refunds = append(t.refunds, r)
	t.refunded += q.amount
	t.feeReturned += fee
	if q.global {
		s.refunds[refundKey{t.provider.namespace(), q.outRefundNo}] = r
	}
	s.userLocked(t.userID).Balance += q.amount
	s.book(Charge{Kind: ChargeRefund, Provider: t.provider, OutTradeNo: t.outTradeNo, TradeNo: t.tradeNo,
		OutRefundNo: q.outRefundNo, UserID: t.userID, Amount: q.amount, Fee: fee, At: r.at})
	return r
}

// newRefundNo makes a provider refund number.
func (s *Sim) newRefundNo(p Provider) string {
	switch p {
	case WeChat:
		return "50" + s.digits(27) // 29 digits, as 50000000382019052709732678859
	case Alipay:
		return s.now().In(beijing).Format("20060102") + "21001" + s.digits(15)
	}
	return "R" + s.now().In(beijing).Format("20060102150405") + s.digits(9)
}
