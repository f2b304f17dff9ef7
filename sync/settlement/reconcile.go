package settlement

import (
	"cmp"
	"slices"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// DefaultFeeRateBP is the fee rate a channel has unless configured: 0.6%,
// the standard rate of Alipay 当面付 and WeChat Pay (PROTOCOLS.md §7).
const DefaultFeeRateBP = 60

// DefaultCrossDayWindow is how close to midnight a till record must be to
// wait for the adjacent day's bill instead of being reported missing: a
// QR can be paid minutes after it was shown.
const DefaultCrossDayWindow = 10 * time.Minute

// Config is what reconciliation needs besides the records.
type Config struct {
	// FeeRateBP is each channel's contracted fee in basis points of a
	// payment, rounded half up per transaction; refunds give the fee back
	// in proportion, the last one what is left (as WeChat's bill shows).
	// A channel not listed has DefaultFeeRateBP. The bill's fee is the
	// truth: a difference is reported, never corrected.
	FeeRateBP map[Channel]int64
	// CrossDayWindow is DefaultCrossDayWindow when zero.
	CrossDayWindow time.Duration
}

// Rate returns ch's fee rate in basis points.
func (c Config) Rate(ch Channel) int64 {
	if bp, ok := c.FeeRateBP[ch]; ok && bp >= 0 && bp <= 10000 {
		return bp
	}
	return DefaultFeeRateBP
}

func (c Config) window() time.Duration {
	if c.CrossDayWindow > 0 {
		return c.CrossDayWindow
	}
	return DefaultCrossDayWindow
}

// TillPayment is a provider payment as the till knows it: a payment
// attempt, or the tender of a completed sale, or both.
type TillPayment struct {
	ID       string // out_trade_no
	Provider pos.Provider
	Amount   money.Fen
	State    pos.PaymentState // "" when known only from a sale's tender
	TradeNo  string
	At       time.Time // when the attempt was made (a tender alone: the sale's time)
	SaleNo   string    // the completed sale it pays; "" when none
}

// Charged reports whether the till counts p as money taken: a completed
// sale uses it, or its state says the provider took it.
func (p *TillPayment) Charged() bool {
	switch p.State {
	case pos.PaySucceeded, pos.PayRefunding, pos.PayRefunded:
		return true
	}
	return p.SaleNo != ""
}

// TillRefund is a refund of a provider payment as the till knows it.
type TillRefund struct {
	ID        string // out_refund_no
	PaymentID string
	SaleNo    string
	Amount    money.Fen
	State     pos.RefundState
	At        time.Time
}

// Input is one channel's records around one day.
type Input struct {
	Channel Channel
	Day     time.Time // any time of the Beijing day to reconcile
	// Bill holds the rows of the bills marked in HaveBill: those of Day−1,
	// Day and Day+1 (index 0, 1, 2) that are in. The adjacent days only
	// match records across midnight; only Day's rows are reported.
	Bill     []Row
	HaveBill [3]bool
	// Payments and Refunds are the till's records made on Day−1, Day and
	// Day+1, and any other the bill rows name (a refund of an old
	// payment), with every refund of the payments they refund: the fee
	// given back depends on the refunds before it.
	Payments []TillPayment
	Refunds  []TillRefund
}

// Item is one transaction of the day and how it came out.
type Item struct {
	Status      Status
	Kind        Kind
	Provider    pos.Provider
	OutTradeNo  string
	OutRefundNo string // refunds
	TradeNo     string
	SaleNo      string
	OnBill      bool      // the Bill… fields are set
	InTill      bool      // the Till… fields are set
	BillAmount  money.Fen // the order's (refund's) full amount, matched against TillAmount
	TillAmount  money.Fen
	// BillCoupon is the part of BillAmount a coupon paid, and
	// BillUnsettled the part of that the provider does not settle (a
	// WeChat 免充值券); see Row. A coupon is no difference: the till's
	// amount matches the order's, and the settlement shows the rest.
	BillCoupon    money.Fen
	BillUnsettled money.Fen
	BillFee       money.Fen // as on the bill: > 0 charged, < 0 given back
	ExpectedFee   money.Fen // the configured rate's, in the same sense
	BillAt        time.Time
	TillAt        time.Time
	Line          int // the bill row's line, when on the bill
}

// Key is the item's difference key: stable across re-runs of the same
// day, so a resolution noted against it stays attached. It names the
// channel, kind, order (or refund) number and status; a difference that
// changes kind of status is a new difference.
func (it *Item) Key(ch Channel) string {
	id := it.OutTradeNo
	if it.Kind == KindRefund {
		id = it.OutRefundNo
	}
	k := string(ch) + ":" + it.Kind.String() + ":" + id + ":" + it.Status.String()
	if it.Status == Duplicate {
		k += ":" + itoa(it.Line)
	}
	return k
}

// At returns when the item happened: at the provider if it is on the bill.
func (it *Item) At() time.Time {
	if it.OnBill {
		return it.BillAt
	}
	return it.TillAt
}

// Result is one channel's reconciliation of one day.
type Result struct {
	Channel Channel
	Day     time.Time // midnight, Beijing time
	Items   []Item    // in time order
	Summary Summary
}

// Reconcile matches one channel's bill rows of a day against the till's
// records by out_trade_no and out_refund_no (see Status for the
// outcomes). It is pure: the same input gives the same result.
func Reconcile(in Input, cfg Config) Result {
	m := newMatcher(&in, cfg)
	m.billSide()
	m.tillSide()
	return Result{Channel: in.Channel, Day: m.day, Items: sortItems(m.items), Summary: m.summary()}
}

// sortItems puts items in time order, ties by order number, kind, refund
// number and line. It sorts small keys and moves each item once: moving
// the items themselves made sorting a million of them most of the work.
func sortItems(items []Item) []Item {
	type key struct {
		at  int64
		idx int32
	}
	keys := make([]key, len(items))
	for i := range items {
		keys[i] = key{items[i].At().UnixNano(), int32(i)}
	}
	slices.SortFunc(keys, func(x, y key) int {
		if c := cmp.Compare(x.at, y.at); c != 0 {
			return c
		}
		a, b := &items[x.idx], &items[y.idx]
		return cmp.Or(cmp.Compare(a.OutTradeNo, b.OutTradeNo), cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.OutRefundNo, b.OutRefundNo), cmp.Compare(a.Line, b.Line))
	})
	out := make([]Item, len(items))
	for i, k := range keys {
		out[i] = items[k.idx]
	}
	return out
}
