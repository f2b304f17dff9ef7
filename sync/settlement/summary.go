package settlement

import (
	"time"

	"zhanggui/pos/money"
)

// Summary is one channel's day in figures: the bill's (what the provider
// settles) beside the till's (what it expects), and the differences.
type Summary struct {
	Channel   Channel
	Day       time.Time
	HaveBill  bool  // the day's bill was in
	FeeRateBP int64 // the configured rate the expected fees use

	Payments     int       // payment rows on the day's bill
	Refunds      int       // refund and reversal rows
	Gross        money.Fen // Σ payments
	Refunded     money.Fen // Σ refunds and reversals
	FeesCharged  money.Fen // Σ fees of payment rows
	FeesReturned money.Fen // Σ fees given back on refund and reversal rows (≥ 0)
	// Unsettled is the coupon part of Gross − Refunded the provider does
	// not pay out: Σ Row.Unsettled of payments less that of refunds and
	// reversals (WeChat's 免充值券, which the merchant funds).
	Unsettled money.Fen

	TillPayments int       // the till's payments of the day it counts as taken
	TillRefunds  int       // its refunds done that day
	TillGross    money.Fen // Σ those payments
	TillRefunded money.Fen // Σ those refunds
	ExpectedFees money.Fen // the configured rate's fees of those, net of fees given back

	Differences int // items that are differences
	Urgent      int // of which urgent
}

// Fees returns the fees the bill takes, net of those it gives back.
func (s *Summary) Fees() money.Fen { return s.FeesCharged - s.FeesReturned }

// Net returns the day's takings on the bill: Gross − Refunded.
func (s *Summary) Net() money.Fen { return s.Gross - s.Refunded }

// Settlement returns what the provider will pay out for the day:
// Net − Unsettled − Fees.
func (s *Summary) Settlement() money.Fen { return s.Net() - s.Unsettled - s.Fees() }

// TillSettlement returns what the till expects the provider to pay out.
// The till cannot know which customer paid with a merchant-funded coupon:
// the bill's Unsettled is taken as it stands, so a coupon shows in both
// settlements, never as a difference between them.
func (s *Summary) TillSettlement() money.Fen {
	return s.TillGross - s.TillRefunded - s.Unsettled - s.ExpectedFees
}

// addRow counts one bill row of the day.
func (s *Summary) addRow(r *Row) {
	if r.Kind == KindPayment {
		s.Payments++
		s.Gross += r.Amount
		s.Unsettled += r.Unsettled
		s.FeesCharged += r.Fee
		return
	}
	s.Refunds++
	s.Refunded += r.Amount
	s.Unsettled -= r.Unsettled
	s.FeesReturned -= r.Fee
}

// addTillPayment counts a payment the till took that day, with its fee at
// the configured rate.
func (s *Summary) addTillPayment(p *TillPayment, fee money.Fen) {
	s.TillPayments++
	s.TillGross += p.Amount
	s.ExpectedFees += fee
}

// addTillRefund counts a refund the till made that day, with the fee it
// should give back.
func (s *Summary) addTillRefund(r *TillRefund, fee money.Fen) {
	s.TillRefunds++
	s.TillRefunded += r.Amount
	s.ExpectedFees -= fee
}

// summary returns the figures gathered.
func (m *matcher) summary() Summary { return m.sum }

// Add adds o's figures to s (a range of days, or every channel); Day,
// Channel, HaveBill and FeeRateBP stay s's.
func (s *Summary) Add(o *Summary) {
	s.Payments += o.Payments
	s.Refunds += o.Refunds
	s.Gross += o.Gross
	s.Refunded += o.Refunded
	s.FeesCharged += o.FeesCharged
	s.FeesReturned += o.FeesReturned
	s.Unsettled += o.Unsettled
	s.TillPayments += o.TillPayments
	s.TillRefunds += o.TillRefunds
	s.TillGross += o.TillGross
	s.TillRefunded += o.TillRefunded
	s.ExpectedFees += o.ExpectedFees
	s.Differences += o.Differences
	s.Urgent += o.Urgent
}
