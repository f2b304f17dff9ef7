package pos

import (
	"time"

	"zhanggui/pos/money"
)

// Which gated actions an intent at the till is, by the shop's Limits.

// DiscountIsGated tells whether a manual discount of off on base is above
// the free threshold (Limits.FreeDiscountBP basis points of base), and so
// is ActDiscount.
func (l Limits) DiscountIsGated(base, off money.Fen) bool {
	if off <= 0 {
		return false
	}
	// off and base are at most money.MaxFen (1e11); ×10⁴ stays below 2⁶³.
	return int64(off)*10000 > int64(base)*l.FreeDiscountBP
}

// RefundIntent describes a refund someone asks for, for RefundActions.
type RefundIntent struct {
	Amount      money.Fen
	Refunded    money.Fen // what earlier refunds already took from the tender (Refunded)
	SaleAt      time.Time // when the sale was made
	NoReceipt   bool      // 无单退货: the sale's receipt is not shown
	OtherTender bool      // to another tender than the sale's
}

// RefundActions are the gated actions a refund is at now in the shop's
// zone loc: ActRefund always; ActRefundLarge when the tender's refunds, this
// one included, come above RefundMax (splitting a large refund in small ones
// does not dodge it); ActRefundOld
// for a sale more than RefundDays business days old; and the no-receipt and
// other-tender actions when they apply.
func (l Limits) RefundActions(r RefundIntent, now time.Time, loc *time.Location) []Action {
	acts := []Action{ActRefund}
	if r.Refunded+r.Amount > l.RefundMax {
		acts = append(acts, ActRefundLarge)
	}
	sold, today := BusinessDay(r.SaleAt, loc), BusinessDay(now, loc)
	if today.After(sold.AddDate(0, 0, l.RefundDays)) {
		acts = append(acts, ActRefundOld)
	}
	if r.NoReceipt {
		acts = append(acts, ActRefundNoReceipt)
	}
	if r.OtherTender {
		acts = append(acts, ActRefundOther)
	}
	return acts
}

// Off is what d takes off base.
func (d Discount) Off(base money.Fen) money.Fen { return d.off(base) }
