package providersim

import (
	"time"

	"zhanggui/pos/money"
)

// payReq is a payment or QR order as the engine sees it.
type payReq struct {
	provider   Provider
	kind       tradeKind
	api        string
	outTradeNo string
	authCode   string // kindCode: the payment code; kindCard: the PAN
	amount     money.Fen
	subject    string
	attach     string
	storeID    string
	operatorID string
	terminalID string
	userID     string // set by the engine from the code
}

// payRes is the engine's answer to a payment.
type payRes struct {
	t      *trade   // the trade afterwards, if there is one
	fail   failure  // a definite refusal, or fNone
	sys    bool     // answer "system error", whatever happened
	repeat bool     // an idempotent repeat of an existing trade
	d      delivery // how to deliver the answer
}

// recordsFailures says whether p keeps a failed payment as an order
// (WeChat shows PAYERROR; Alipay knows no trade after a refusal).
func recordsFailures(p Provider) bool { return p != Alipay }

// payLocked runs a code payment: scripts, idempotency, the code, the
// user's behaviour, the charge.
func (s *Sim) payLocked(r payReq) payRes {
	b, scripted := s.payBehaviour(r.authCode, r.outTradeNo, r.amount)
	if t := s.trades[tradeKey{r.provider.namespace(), r.outTradeNo}]; t != nil {
		return s.repeatPayLocked(t, r, b)
	}
	userID, f := r.userID, fNone // cards: the card names the user
	if r.kind != kindCard {
		userID, f = s.takeCode(r.provider, r.authCode, false)
	}
	if f == fNone && !scripted {
		b = s.users[userID].Behaviour
	}
	res := payRes{d: b.delivery()}
	switch {
	case b.outcome == outRateLimited:
		res.fail = fRateLimited
		return res
	case b.outcome == outSysHiddenNo:
		res.sys = true
		return res
	case f != fNone:
		res.fail = f
		return res
	case b.outcome == outCodeExpired:
		res.fail = fCodeExpired
		return res
	}
	if r.kind != kindCard {
		s.takeCode(r.provider, r.authCode, true)
	}
	r.userID = userID
	res.t = s.newTrade(r)
	res.fail = s.startLocked(res.t, b)
	res.sys = b.outcome == outSysHiddenOK
	if res.fail != fNone && !recordsFailures(r.provider) {
		s.forgetLocked(res.t)
		res.t = nil
	}
	return res
}

// startLocked applies the outcome of b to a new code or card trade.
func (s *Sim) startLocked(t *trade, b Behaviour) failure {
	var f failure
	switch b.outcome {
	case outRisk:
		f = fRisk
	case outNotEnough:
		f = fNotEnough
	case outPassword:
		t.state = stWaiting
		t.pending = &pending{queriesLeft: b.afterQueries, ok: b.passOK}
		if b.after > 0 {
			t.pending.deadline = s.now().Add(b.after)
		}
		return fNone
	default:
		f = s.chargeLocked(t)
	}
	if f != fNone {
		t.state, t.failReason = stFailed, f
	}
	return f
}

// forgetLocked removes a trade the provider does not keep.
func (s *Sim) forgetLocked(t *trade) {
	delete(s.trades, tradeKey{t.provider.namespace(), t.outTradeNo})
	delete(s.byNo, t.tradeNo)
}

// repeatPayLocked answers a payment whose out_trade_no exists: the same
// request again gets the trade's state (idempotent); other content is
// fInconsistent; another code for a paid trade is fOrderPaid.
func (s *Sim) repeatPayLocked(t *trade, r payReq, b Behaviour) payRes {
	res := payRes{t: t, d: b.delivery(), sys: b.outcome == outSysHiddenOK || b.outcome == outSysHiddenNo}
	if b.outcome == outRateLimited {
		return payRes{fail: fRateLimited, d: b.delivery()}
	}
	s.resolveLocked(t, false)
	same := t.kind == r.kind && t.amount == r.amount && t.provider == r.provider
	switch {
	case !same:
		res.fail = fInconsistent
	case t.state == stClosed:
		res.fail = fOrderClosed
	case t.state == stReversed:
		res.fail = fOrderReversed
	case t.authCode != r.authCode && t.state == stPaid:
		res.fail = fOrderPaid
	case t.authCode != r.authCode:
		res.fail = fInconsistent // "更换授权码必须要换新的商户订单号"
	case t.state == stFailed:
		res.fail, res.repeat = t.failReason, true
	default:
		res.repeat = true
	}
	return res
}

// createQRLocked makes (or repeats) a QR order: precreate, native, which
// no buyer has scanned yet. b's outcome waits for CustomerPay.
func (s *Sim) createQRLocked(r payReq, ttl time.Duration) payRes {
	b, _ := s.payBehaviour("", r.outTradeNo, r.amount)
	res := payRes{d: b.delivery(), sys: b.outcome == outSysHiddenOK || b.outcome == outSysHiddenNo}
	switch {
	case b.outcome == outRateLimited:
		return payRes{fail: fRateLimited, d: res.d}
	case b.outcome == outSysHiddenNo:
		return res
	}
	if t := s.trades[tradeKey{r.provider.namespace(), r.outTradeNo}]; t != nil {
		res.t = t
		switch {
		case t.kind != kindQR || t.amount != r.amount:
			res.fail = fInconsistent
		case t.state == stPaid:
			res.fail = fOrderPaid
		case t.state == stClosed || t.state == stReversed:
			res.fail = fOrderClosed
		default:
			res.repeat = true
		}
		return res
	}
	t := s.newTrade(r)
	t.kind, t.state, t.behaviour = kindQR, stQRCreated, b
	t.qrExpires = s.now().Add(ttl)
	switch r.provider {
	case Alipay:
		t.qrCode = "https://qr.alipay.com/bax0" + s.alnum(20, lowerAlnum)
	case WeChat:
		t.qrCode = "weixin://wxpay/bizpayurl?pr=" + s.alnum(7, mixedAlnum)
	default:
		t.qrCode = "https://qr.95516.com/00010000/" + s.digits(20)
	}
	res.t = t
	return res
}

// stepFor takes the out_trade_no script step of a request that is not a
// payment. ok is false when the request must not run at all (rate limit,
// hidden failure); sys asks for a "system error" answer.
func (s *Sim) stepFor(outTradeNo string) (d delivery, ok, sys bool, f failure) {
	if outTradeNo == "" {
		return delivery{}, true, false, fNone
	}
	b, found := s.takeStep(OnOutTradeNo(outTradeNo))
	if !found {
		return delivery{}, true, false, fNone
	}
	switch b.outcome {
	case outRateLimited:
		return b.delivery(), false, false, fRateLimited
	case outSysHiddenNo:
		return b.delivery(), false, true, fNone
	case outSysHiddenOK:
		return b.delivery(), true, true, fNone
	}
	return b.delivery(), true, false, fNone
}
