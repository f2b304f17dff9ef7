package pos

import (
	"time"

	"zhanggui/pos/money"
)

// A refund to another tender than the sale's: the customer paid with a
// wallet or a card and takes the money back in cash (the provider's refund
// is unavailable, or the customer asks for it). Cash leaves the drawer and
// is booked like a cash refund (Refunds debited, the drawer credited); the
// provider payment stays as it was, refunded nothing, so the bill and the
// reconciliation expect no provider refund for it. The refund still counts
// against the original tender (Refund.Tender): what is left of it to refund
// shrinks, whichever way the money went back.
//
// Cash is the only other tender: a wallet or card refund needs the payment
// it goes back through, which only the original tender has.

// NewCashRefund starts a refund of amount of tender i of s, given back in
// cash. For a cash tender it is the ordinary cash refund.
func NewCashRefund(s *Sale, i int, amount money.Fen, prior []Refund, id, reason string, at time.Time) (Refund, error) {
	r, err := NewRefund(s, i, amount, prior, id, reason, at)
	if err != nil {
		return r, err
	}
	r.Kind, r.PaymentID = TenderCash, ""
	return r, nil
}

// OtherTender reports whether r goes back by another tender than the one
// of s it refunds.
func (r Refund) OtherTender(s *Sale) bool {
	return r.Tender >= 0 && r.Tender < len(s.Tenders) && s.Tenders[r.Tender].Kind != r.Kind
}
