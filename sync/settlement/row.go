package settlement

import (
	"fmt"
	"slices"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// Channel is a settlement channel: one merchant account whose bill the
// till reconciles against.
type Channel string

// The channels.
const (
	Alipay   Channel = "alipay"
	Wechat   Channel = "wechat"
	Acquirer Channel = "acquirer" // UnionPay QR, e-CNY and cards, through the acquirer
)

// Channels lists every channel in the order reports show them.
var Channels = []Channel{Alipay, Wechat, Acquirer}

// ProviderCard names card payments on the acquirer's bill.
const ProviderCard = pos.Card

// ParseChannel reads a channel's name as the command line spells it.
func ParseChannel(s string) (Channel, error) {
	for _, c := range Channels {
		if string(c) == s {
			return c, nil
		}
	}
	return "", pos.Errorf(pos.CodeInvalid, "settlement: channel %q is not alipay, wechat or acquirer", s)
}

// ChannelOf returns the channel whose bill shows payments at provider p.
func ChannelOf(p pos.Provider) (Channel, bool) {
	switch p {
	case pos.Alipay:
		return Alipay, true
	case pos.Wechat:
		return Wechat, true
	case pos.UnionPay, pos.ECNY, ProviderCard:
		return Acquirer, true
	}
	return "", false
}

// ChannelOfTender returns the channel whose bill shows a tender of kind k;
// false for cash and stored value, which no provider settles.
func ChannelOfTender(k pos.TenderKind) (Channel, bool) {
	switch k {
	case pos.TenderAlipay:
		return Alipay, true
	case pos.TenderWechat:
		return Wechat, true
	case pos.TenderUnionPay, pos.TenderECNY, pos.TenderCard:
		return Acquirer, true
	}
	return "", false
}

// Kind says which way a bill row moved money.
type Kind uint8

// The kinds of row.
const (
	KindPayment  Kind = iota + 1 // customer → merchant
	KindRefund                   // merchant → customer, by a refund with its out_refund_no
	KindReversal                 // merchant → customer, by cancelling/reversing a paid trade
)

var kindNames = [...]string{KindPayment: "payment", KindRefund: "refund", KindReversal: "reversal"}

// String returns "payment", "refund" or "reversal".
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// ParseKind reads Kind.String's words.
func ParseKind(s string) (Kind, error) {
	for k, name := range kindNames {
		if name != "" && name == s {
			return Kind(k), nil
		}
	}
	return 0, fmt.Errorf("settlement: unknown row kind %q", s)
}

// Row is one money movement on a provider's bill.
type Row struct {
	Line        int          // where it is in the (unpacked, decoded) file, 1-based
	Provider    pos.Provider // pos.Alipay, pos.Wechat, pos.UnionPay, pos.ECNY or ProviderCard
	Kind        Kind
	OutTradeNo  string    // the till's out_trade_no (商户订单号); refunds keep their payment's
	TradeNo     string    // the provider's trade number
	OutRefundNo string    // refunds: the till's out_refund_no (Alipay: out_request_no)
	Amount      money.Fen // > 0, the order's (refund's) full amount, as the till asked; Kind gives the direction
	Fee         money.Fen // what the row costs the merchant: > 0 charged, < 0 given back
	At          time.Time // when the money moved, in Beijing time
	// Coupon is the part of Amount a WeChat coupon paid (代金券金额; on a
	// refund, the coupon part given back): shown beside the amount.
	Coupon money.Fen
	// Unsettled is the part of Amount the provider does not settle: the
	// merchant-funded 免充值券 share of Coupon (see wechatCoupon). The row
	// settles Amount − Unsettled; 0 ≤ Unsettled ≤ Coupon.
	Unsettled money.Fen
}

// Settled returns what the provider settles for the row before fees
// (WeChat's 应结订单金额 or 退款金额): Amount − Unsettled, ≥ 0.
func (r *Row) Settled() money.Fen { return r.Amount - r.Unsettled }

// Signed returns the amount with its direction: negative for refunds and
// reversals.
func (r *Row) Signed() money.Fen {
	if r.Kind == KindPayment {
		return r.Amount
	}
	return -r.Amount
}

// Net returns what the row adds to the settlement: the settled amount
// with its direction, less the fee.
func (r *Row) Net() money.Fen {
	if r.Kind == KindPayment {
		return r.Settled() - r.Fee
	}
	return -r.Settled() - r.Fee
}

// Bill is one parsed bill file.
type Bill struct {
	Channel Channel
	// From and To are the period [From, To) the file says it covers, in
	// Beijing time; zero when the file does not say (WeChat's).
	From, To time.Time
	Rows     []Row
}

// Days returns the Beijing days the bill covers, in order: those of its
// period when the file states one, else those its rows fall on.
func (b *Bill) Days() []time.Time {
	if !b.From.IsZero() && b.To.After(b.From) {
		var out []time.Time
		for d := DayOf(b.From); d.Before(b.To); d = d.AddDate(0, 0, 1) {
			out = append(out, d)
		}
		return out
	}
	seen := map[time.Time]bool{}
	var out []time.Time
	for i := range b.Rows {
		d := DayOf(b.Rows[i].At)
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	return out
}

// Beijing is China Standard Time, the providers' day boundary. A fixed
// zone: reconciliation must not depend on the machine's tzdata.
var Beijing = time.FixedZone("CST", 8*3600)

// DayOf returns midnight, Beijing time, of the day t falls on.
func DayOf(t time.Time) time.Time {
	l := t.In(Beijing)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, Beijing)
}

// DayLayout is how days are written: 2006-01-02.
const DayLayout = "2006-01-02"

// ParseDay reads a day written YYYY-MM-DD as midnight Beijing time.
func ParseDay(s string) (time.Time, error) {
	d, err := time.ParseInLocation(DayLayout, s, Beijing)
	if err != nil {
		return time.Time{}, pos.Errorf(pos.CodeInvalid, "settlement: day %q is not YYYY-MM-DD", s)
	}
	return d, nil
}
