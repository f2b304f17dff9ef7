package pos

import (
	"strings"
	"time"

	"zhanggui/pos/money"
)

// Provider names a payment provider (a channel).
type Provider string

// The providers.
const (
	Alipay   Provider = "alipay"
	Wechat   Provider = "wechat"
	UnionPay Provider = "unionpay" // UnionPay QR codes, through the acquirer
	ECNY     Provider = "ecny"     // e-CNY codes, through the acquirer
	Card     Provider = "card"     // contactless bank cards, through the acquirer
)

// TenderKind returns the tender a payment at p is booked as.
func (p Provider) TenderKind() TenderKind {
	switch p {
	case Alipay:
		return TenderAlipay
	case Wechat:
		return TenderWechat
	case UnionPay:
		return TenderUnionPay
	case ECNY:
		return TenderECNY
	case Card:
		return TenderCard
	}
	return ""
}

// CodeRoute says which payment codes go to a provider: all digits, a
// length in [MinLen, MaxLen] and one of the prefixes.
type CodeRoute struct {
	Provider       Provider
	Prefixes       []string
	MinLen, MaxLen int
}

// DefaultCodeRoutes is the routing of customer payment codes (付款码) as the
// providers document it (PROTOCOLS.md §3). It is configuration: the wallets
// say the real length is what the scanner reads.
var DefaultCodeRoutes = []CodeRoute{
	{Provider: Wechat, Prefixes: []string{"10", "11", "12", "13", "14", "15"}, MinLen: 18, MaxLen: 18},
	{Provider: Alipay, Prefixes: []string{"25", "26", "27", "28", "29", "30"}, MinLen: 16, MaxLen: 24},
	{Provider: UnionPay, Prefixes: []string{"62"}, MinLen: 19, MaxLen: 19},
	{Provider: ECNY, Prefixes: []string{"01"}, MinLen: 19, MaxLen: 19},
}

// ErrNotPaymentCode means a scanned code is no customer payment code.
var ErrNotPaymentCode = Errorf(CodeInvalid, "pos: not a payment code")

// RoutePaymentCode finds the provider of a scanned payment code. The
// scanner's CR/LF and spaces are stripped; anything else must be digits.
func RoutePaymentCode(code string, routes []CodeRoute) (Provider, string, error) {
	code = strings.Join(strings.Fields(code), "")
	if code == "" || strings.Trim(code, "0123456789") != "" {
		return "", "", Errorf(CodeInvalid, "pos: payment code of %d characters: %w", len(code), ErrNotPaymentCode)
	}
	for _, r := range routes {
		if len(code) < r.MinLen || len(code) > r.MaxLen {
			continue
		}
		for _, p := range r.Prefixes {
			if strings.HasPrefix(code, p) {
				return r.Provider, code, nil
			}
		}
	}
	return "", "", Errorf(CodeInvalid, "pos: payment code %s: %w", MaskCode(code), ErrNotPaymentCode)
}

// MaskCode shows a payment code as its first 4 and last 4 digits, for logs
// and screens: a code is a bearer instrument while it lives.
func MaskCode(code string) string {
	if len(code) <= 8 {
		return strings.Repeat("*", len(code))
	}
	return code[:4] + strings.Repeat("*", len(code)-8) + code[len(code)-4:]
}

// PaymentState is where a payment attempt stands (DESIGN.md's state machine).
type PaymentState string

// Payment states. Final ones: Succeeded, Failed, Reversed, Refunded.
const (
	PayCreated     PaymentState = "created"
	PayAuthorizing PaymentState = "authorizing" // the request may have left
	PayWaiting     PaymentState = "waiting"     // the customer confirms on the phone
	PayUnknown     PaymentState = "unknown"     // no answer we can trust: query
	PayCancelling  PaymentState = "cancelling"  // cancel/reverse sent
	PaySucceeded   PaymentState = "succeeded"
	PayFailed      PaymentState = "failed"
	PayReversed    PaymentState = "reversed" // cancelled at the provider after a charge or an unknown
	PayRefunding   PaymentState = "refunding"
	PayRefunded    PaymentState = "refunded"
)

// Final reports whether nothing more will happen to a payment in state s
// (refunds aside, which start from Succeeded).
func (s PaymentState) Final() bool {
	switch s {
	case PaySucceeded, PayFailed, PayReversed, PayRefunded:
		return true
	}
	return false
}

// PaymentMode says how the customer pays.
type PaymentMode string

// Payment modes.
const (
	ModeCode PaymentMode = "code" // B扫C: the cashier scans the customer's code
	ModeQR   PaymentMode = "qr"   // C扫B: the customer scans the shop's dynamic QR
	ModeCard PaymentMode = "card" // a contactless bank card tapped on the reader
)

// Payment is one attempt at a provider. ID is the out_trade_no: made by the
// till, stored with state Authorizing before the request leaves, reused by
// every retry of that request, never by another attempt.
type Payment struct {
	ID       string // out_trade_no: 32 hex digits
	SaleID   string // the cart/sale it pays for
	Provider Provider
	Mode     PaymentMode
	Amount   money.Fen
	State    PaymentState
	CodeMask string // the scanned code, masked
	QR       string // the dynamic QR's content (ModeQR)
	TradeNo  string // the provider's trade number, once known
	Buyer    string // masked buyer account, for the receipt
	Reason   string // the provider's reason for a failure, or the last problem
	Refunded money.Fen
	Created  time.Time
	Updated  time.Time
	Tries    int    // queries and cancels sent
	Staff    string // the staff member who took it (their name, as on receipts)
}

// PayEvent is something that happened to a payment.
type PayEvent string

// Events, each from the provider's answer or the till's decision.
const (
	EvSend       PayEvent = "send"     // created → authorizing: about to send pay/precreate
	EvSuccess    PayEvent = "success"  // the provider says paid
	EvFail       PayEvent = "fail"     // a definite refusal; nothing was charged
	EvWaiting    PayEvent = "waiting"  // the customer must confirm (10003, USERPAYING) or scan the QR
	EvUnknown    PayEvent = "unknown"  // timeout, reset, 5xx, SYSTEMERROR, a bad signature
	EvCancel     PayEvent = "cancel"   // the till gives up: cancel/reverse/close sent
	EvReversed   PayEvent = "reversed" // the provider confirms the cancel
	EvRefund     PayEvent = "refund"   // a refund request is sent
	EvRefunded   PayEvent = "refunded" // the refund went through (all of it)
	EvRefundBad  PayEvent = "refund_failed"
	EvRefundPart PayEvent = "refund_part" // part of the amount went back
)

// transitions lists the allowed state changes.
var transitions = map[PaymentState]map[PayEvent]PaymentState{
	PayCreated:     {EvSend: PayAuthorizing, EvFail: PayFailed},
	PayAuthorizing: {EvSuccess: PaySucceeded, EvFail: PayFailed, EvWaiting: PayWaiting, EvUnknown: PayUnknown, EvCancel: PayCancelling},
	PayWaiting:     {EvSuccess: PaySucceeded, EvFail: PayFailed, EvWaiting: PayWaiting, EvUnknown: PayUnknown, EvCancel: PayCancelling},
	PayUnknown:     {EvSuccess: PaySucceeded, EvFail: PayFailed, EvWaiting: PayWaiting, EvUnknown: PayUnknown, EvCancel: PayCancelling},
	PayCancelling:  {EvReversed: PayReversed, EvFail: PayFailed, EvUnknown: PayCancelling, EvCancel: PayCancelling, EvSuccess: PaySucceeded},
	PaySucceeded:   {EvRefund: PayRefunding, EvSuccess: PaySucceeded, EvCancel: PayCancelling},
	PayRefunding:   {EvRefunded: PayRefunded, EvRefundPart: PaySucceeded, EvRefundBad: PaySucceeded, EvUnknown: PayRefunding, EvRefund: PayRefunding},
	PayFailed:      {EvFail: PayFailed},
	PayReversed:    {EvReversed: PayReversed},
	PayRefunded:    {EvRefunded: PayRefunded},
}

// ErrBadTransition means an event that cannot happen in a payment's state:
// a provider answer out of order, or a bug.
var ErrBadTransition = Errorf(CodeConflict, "pos: payment event not allowed in this state")

// Next returns p after ev at time at. It is the only way a payment changes
// state; the caller persists the result before acting on it.
func (p Payment) Next(ev PayEvent, at time.Time) (Payment, error) {
	to, ok := transitions[p.State][ev]
	if !ok {
		return p, Errorf(CodeConflict, "pos: payment %s: %s in state %s: %w", p.ID, ev, p.State, ErrBadTransition)
	}
	p.State, p.Updated = to, at.UTC()
	return p, nil
}

// NewPayment starts an attempt at provider for amount.
func NewPayment(id, saleID string, provider Provider, mode PaymentMode, amount money.Fen, at time.Time) (Payment, error) {
	if len(id) == 0 || len(id) > 32 || strings.Trim(strings.ToLower(id), "0123456789abcdefghijklmnopqrstuvwxyz") != "" {
		return Payment{}, Errorf(CodeInternal, "pos: out_trade_no %q is not 1–32 letters and digits", id)
	}
	if amount <= 0 || amount > money.MaxFen {
		return Payment{}, Errorf(CodeInvalid, "pos: payment amount %v", amount)
	}
	return Payment{ID: id, SaleID: saleID, Provider: provider, Mode: mode, Amount: amount,
		State: PayCreated, Created: at.UTC(), Updated: at.UTC()}, nil
}

// Tender returns the tender a succeeded payment pays.
func (p Payment) Tender() Tender {
	ref := p.TradeNo
	if p.Buyer != "" {
		ref += " " + p.Buyer
	}
	return Tender{Kind: p.Provider.TenderKind(), Amount: p.Amount, PaymentID: p.ID, Ref: strings.TrimSpace(ref)}
}

// ProviderStatus is a provider's answer, in the domain's words.
type ProviderStatus string

// Provider answers.
const (
	StatusSuccess  ProviderStatus = "success"   // paid
	StatusWaiting  ProviderStatus = "waiting"   // the customer has not confirmed / scanned yet
	StatusFailed   ProviderStatus = "failed"    // definitely not paid; nothing to undo
	StatusClosed   ProviderStatus = "closed"    // cancelled, reversed or closed: not paid
	StatusNotFound ProviderStatus = "not_found" // the provider has no such trade
	StatusUnknown  ProviderStatus = "unknown"   // no trustworthy answer
)

// ProviderResult is what a provider client returns for pay, query, cancel.
type ProviderResult struct {
	Status  ProviderStatus
	TradeNo string
	Buyer   string // masked
	Amount  money.Fen
	QR      string // precreate: the QR content to show
	Code    string // the provider's code and sub-code, for the log
	Reason  string // for the cashier, in Chinese where the provider gives one
	Retry   bool   // cancel: the provider asks to try again
}

// PayRequest asks a provider to take a payment.
type PayRequest struct {
	OutTradeNo string
	AuthCode   string // ModeCode only
	Amount     money.Fen
	Subject    string
}

// RefundRequest asks a provider to refund part or all of a payment.
type RefundRequest struct {
	OutTradeNo  string
	OutRefundNo string
	Amount      money.Fen // this refund
	Total       money.Fen // the payment's amount (WeChat wants it)
	Reason      string
}

// Paid sums the succeeded payments of a sale in progress, what they cover
// of it. A payment being refunded covers nothing: on a cart still at the
// counter that is a late success going back to the customer.
func Paid(ps []Payment) money.Fen {
	var f money.Fen
	for _, p := range ps {
		if p.State == PaySucceeded {
			f += p.Amount
		}
	}
	return f
}

// Pending reports whether any payment still waits for an outcome: while one
// does, the sale cannot be completed, cleared or edited. A withdrawn QR
// (Withdrawn) does not hold the sale up.
func Pending(ps []Payment) bool {
	for _, p := range ps {
		if !p.State.Final() && !p.Withdrawn() {
			return true
		}
	}
	return false
}

// Withdrawn reports whether the till has given up on p for good while it
// is still open at the provider, so the customer may pay another way now:
//   - a dynamic QR the cashier cancelled, or whose time on screen ran out:
//     nobody had scanned it, but it stays payable until it expires; should
//     it still be paid, the resolver finds a late success and refunds it,
//     the sale having been settled without it;
//   - a card payment whose outcome is unknown once its charge has ended
//     (the link died): it is always reversed at the acquirer, never booked
//     later (sync/cardpay), so nothing of it can reach the sale.
func (p Payment) Withdrawn() bool {
	switch p.Mode {
	case ModeQR:
		return p.State == PayCancelling
	case ModeCard:
		return p.State == PayUnknown || p.State == PayCancelling
	}
	return false
}

// ErrPaymentArrived refuses to book a sale that leaves out a succeeded
// payment of its cart: a late success arrived while the sale was being
// made. The checkout reloads the cart's payments; what is due has changed.
var ErrPaymentArrived = Errorf(CodeConflict, "pos: a payment of this sale arrived meanwhile")

// ErrCartLocked means a cart has payments taken or pending: its lines can
// no longer change (the customer paid for exactly these).
var ErrCartLocked = Errorf(CodeInvalid, "pos: the sale has payments; its lines are fixed")
