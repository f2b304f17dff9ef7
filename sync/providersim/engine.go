package providersim

import (
	"time"

	"zhanggui/pos/money"
)

// The engine is provider-neutral: a trade per (namespace, out_trade_no),
// one state machine, one ledger. The protocol files translate requests into
// engine calls and engine results into each provider's codes. Every engine
// function is called with s.mu held.

// failure is a definite refusal, named neutrally; each protocol maps it.
type failure int

const (
	fNone             failure = iota
	fCodeInvalid              // unknown, used or another provider's code
	fCodeExpired              // the code's minute is over
	fNotEnough                // the balance is short
	fRisk                     // refused by risk control
	fRateLimited              // too many calls
	fPasswordFailed           // the customer closed the password box
	fOrderPaid                // out_trade_no already paid (another code)
	fInconsistent             // out_trade_no reused with other content
	fOrderClosed              // closed unpaid, or fully refunded
	fOrderReversed            // reversed / cancelled
	fNotFound                 // no such trade or refund
	fBadState                 // the trade's state does not allow this
	fWindow                   // past the provider's time limit
	fAmountRange              // amount ≤ 0 or too large
	fRefundExceeds            // more than the refundable remainder
	fRefundDiscordant         // same out_refund_no, other amount or trade
	fRefundLimit              // too many refunds of one trade
	fRefundGap                // refunds of one trade too close together
	fFullyRefunded            // nothing left to refund
	fDeclined                 // card: issuer declined
	fCryptogram               // card: ARQC/TC did not verify
	fExpiredCard              // card: past its expiry date
)

// tradeKind is how the trade was started.
type tradeKind int

const (
	kindCode tradeKind = iota // the merchant scanned the customer's code (B扫C)
	kindQR                    // the customer scanned the merchant's QR (C扫B)
	kindCard                  // a card authorization
)

// tradeState is the provider-neutral state of a trade.
type tradeState int

const (
	stQRCreated tradeState = iota // QR shown; the provider knows no buyer yet
	stWaiting                     // waiting for the customer (password, or QR scanned)
	stPaid                        // charged (refunds may follow)
	stClosed                      // closed unpaid
	stReversed                    // cancelled/reversed; money returned if it was paid
	stFailed                      // the payment failed (PAYERROR)
)

var stateNames = [...]string{"created", "waiting", "paid", "closed", "reversed", "failed"}

type tradeKey struct{ ns, no string }
type refundKey struct{ ns, no string }

// trade is one out_trade_no at one merchant.
type trade struct {
	provider   Provider
	kind       tradeKind
	api        string // "v2", "v3" for WeChat trades; "" otherwise
	outTradeNo string
	tradeNo    string // the provider's number
	amount     money.Fen
	subject    string
	attach     string
	storeID    string
	operatorID string
	terminalID string
	authCode   string // the code (or card PAN) that paid; "" for QR
	userID     string

	state        tradeState
	failReason   failure // when stFailed
	created      time.Time
	paidAt       time.Time
	closedAt     time.Time
	reversedPaid bool // stReversed after stPaid: the money went back

	qrCode    string
	qrExpires time.Time
	pending   *pending  // a password wait
	behaviour Behaviour // QR trades: what CustomerPay meets

	fee         money.Fen // charged on payment
	refunded    money.Fen // Σ refunds
	feeReturned money.Fen // Σ refund fees
	refunds     []*refund
	card        *cardAuth // card trades
}

// pending is a password wait of a code payment.
type pending struct {
	queriesLeft int       // the query that brings it to 0 sees the result
	deadline    time.Time // zero: none
	ok          bool      // the password is entered in the end
}

// refund is one refund request that moved money.
type refund struct {
	t           *trade
	outRefundNo string
	refundNo    string
	amount      money.Fen
	fee         money.Fen // the part of the payment fee given back
	reason      string
	at          time.Time
}

// ChargeKind says which way a Charge moved money.
type ChargeKind string

// The kinds of money movement.
const (
	ChargePayment  ChargeKind = "payment"  // user → merchant
	ChargeRefund   ChargeKind = "refund"   // merchant → user, by a refund
	ChargeReversal ChargeKind = "reversal" // merchant → user, by cancel/reverse of a paid trade
)

// Charge is one money movement the simulator booked. Amount and Fee are
// never negative; Kind gives the direction.
type Charge struct {
	Seq         int // 1, 2, … in booking order
	Kind        ChargeKind
	Provider    Provider
	OutTradeNo  string
	TradeNo     string
	OutRefundNo string // refunds: the request number; reversals: ""
	UserID      string
	Amount      money.Fen
	Fee         money.Fen // payments: the fee charged; refunds and reversals: the fee returned
	At          time.Time
}

// Charges returns every money movement so far, in order.
func (s *Sim) Charges() []Charge {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Charge(nil), s.charges...)
}

// TradeInfo is a snapshot of a trade, for tests and the demo.
type TradeInfo struct {
	Provider   Provider
	OutTradeNo string
	TradeNo    string
	Amount     money.Fen
	Refunded   money.Fen
	Fee        money.Fen
	State      string // created, waiting, paid, closed, reversed, failed
	UserID     string
}

// Trade returns the trade with outTradeNo at p's merchant.
func (s *Sim) Trade(p Provider, outTradeNo string) (TradeInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.trades[tradeKey{p.namespace(), outTradeNo}]
	if !ok {
		return TradeInfo{}, false
	}
	s.resolveLocked(t, false)
	return TradeInfo{Provider: t.provider, OutTradeNo: t.outTradeNo, TradeNo: t.tradeNo, Amount: t.amount,
		Refunded: t.refunded, Fee: t.fee, State: stateNames[t.state], UserID: t.userID}, true
}

// book appends a money movement to the ledger.
func (s *Sim) book(c Charge) {
	c.Seq = len(s.charges) + 1
	s.charges = append(s.charges, c)
}

// chargeLocked takes t's amount from its user and books the payment. It
// leaves t unchanged and returns fNotEnough if the balance is short.
func (s *Sim) chargeLocked(t *trade) failure {
	if !t.paidAt.IsZero() {
		panic("providersim: trade " + t.outTradeNo + " charged twice") // the state machine forbids it
	}
	u := s.userLocked(t.userID)
	if u.Balance < t.amount {
		return fNotEnough
	}
	u.Balance -= t.amount
	t.state, t.paidAt, t.pending = stPaid, s.now(), nil
	t.fee = money.Percent(t.amount, s.cfg.FeeRateBP)
	s.book(Charge{Kind: ChargePayment, Provider: t.provider, OutTradeNo: t.outTradeNo, TradeNo: t.tradeNo,
		UserID: t.userID, Amount: t.amount, Fee: t.fee, At: t.paidAt})
	s.queueNotifyLocked(t)
	return fNone
}

// resolveLocked applies a due password outcome; query says a query is
// looking (which counts towards the n-th query).
func (s *Sim) resolveLocked(t *trade, query bool) {
	p := t.pending
	if t.state != stWaiting || p == nil {
		return
	}
	due := false
	if query && p.queriesLeft > 0 {
		p.queriesLeft--
		due = p.queriesLeft == 0
	}
	if !p.deadline.IsZero() && !s.now().Before(p.deadline) {
		due = true
	}
	if due {
		s.finishPasswordLocked(t, p.ok)
	}
}

// finishPasswordLocked ends a password wait: charged, or failed.
func (s *Sim) finishPasswordLocked(t *trade, ok bool) failure {
	t.pending = nil
	f := fPasswordFailed
	if ok {
		if f = s.chargeLocked(t); f == fNone {
			return fNone
		}
	}
	t.state, t.failReason = stFailed, f
	return f
}

// newTradeNo makes a provider trade number. Callers hold s.mu.
func (s *Sim) newTradeNo(p Provider) string {
	day := s.now().In(beijing).Format("20060102")
	for {
		var no string
		switch p {
		case Alipay:
			no = day + "22001" + s.digits(15) // 28 digits, as 2013112011001004330000121536
		case WeChat:
			no = "42000" + s.digits(5) + day + s.digits(10) // 28 digits
		default:
			no = s.now().In(beijing).Format("20060102150405") + s.digits(10)
		}
		if _, taken := s.byNo[no]; !taken {
			return no
		}
	}
}

// newTrade registers a trade in its provider's namespace.
func (s *Sim) newTrade(r payReq) *trade {
	t := &trade{provider: r.provider, kind: r.kind, api: r.api, outTradeNo: r.outTradeNo, amount: r.amount,
		subject: r.subject, attach: r.attach, storeID: r.storeID, operatorID: r.operatorID,
		terminalID: r.terminalID, authCode: r.authCode, userID: r.userID, created: s.now()}
	t.tradeNo = s.newTradeNo(r.provider)
	s.trades[tradeKey{r.provider.namespace(), r.outTradeNo}] = t
	s.byNo[t.tradeNo] = t
	return t
}

// findLocked returns p's trade by provider number if given (Alipay: "如果同时
// 存在优先取 trade_no"), else by out_trade_no.
func (s *Sim) findLocked(p Provider, outTradeNo, tradeNo string) *trade {
	if tradeNo != "" {
		if t := s.byNo[tradeNo]; t != nil && t.provider.namespace() == p.namespace() {
			return t
		}
		return nil
	}
	return s.trades[tradeKey{p.namespace(), outTradeNo}]
}
