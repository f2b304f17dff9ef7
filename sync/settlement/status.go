package settlement

import "fmt"

// Status is how one transaction of a day came out of reconciliation.
type Status uint8

// The statuses. The first three agree; every other one is a difference
// that stays open until it is resolved with a note.
const (
	Matched  Status = iota + 1 // on the bill and in the till, amount and fee agree
	CrossDay                   // matched, but on the other side of midnight from the till's record
	Reversed                   // charged and given back at the provider; the till has no sale: net zero

	AmountMismatch     // the bill's amount is not the till's
	FeeMismatch        // the bill's fee is not the configured rate's (the bill's fee stands)
	OnlyProvider       // charged at the provider, no completed sale in the till: urgent
	OnlyTill           // the till counts a payment the provider did not settle
	ReversedAtProvider // the provider gave a payment back that the till booked as a sale
	RefundOnlyProvider // refunded at the provider, no refund done in the till
	RefundOnlyTill     // a refund done in the till that the provider did not make
	RefundMismatch     // a refund whose amount or payment differs
	RefundPending      // refunded at the provider; the till still waits for the answer
	AwaitingBill       // near midnight, and the adjacent day's bill is not in yet
	NoBill             // the day's bill of the channel is not in
	Duplicate          // the bill has the same order or refund twice: charged twice?
)

// statusText is what the workbook and the screen say about a status.
type statusText struct {
	code               string // stable, for the database and scripts
	zh, en             string // the label
	actionZh, actionEn string // what to do; "" when nothing
	urgent             bool
}

var statusTexts = [...]statusText{
	Matched:  {code: "matched", zh: "已核对", en: "matched"},
	CrossDay: {code: "cross_day", zh: "跨日已核对", en: "matched across midnight"},
	Reversed: {code: "reversed", zh: "已撤销（净额为零）", en: "reversed, net zero"},
	AmountMismatch: {"amount_mismatch", "金额不符", "amount differs",
		"核对订单金额；以账单为准联系渠道，或更正订单", "Check the order; ask the provider or correct the order", false},
	FeeMismatch: {"fee_mismatch", "手续费不符", "fee differs",
		"以账单手续费为准；核对设置中的签约费率", "The bill's fee stands; check the contracted rate in the settings", false},
	OnlyProvider: {"only_provider", "渠道已扣款，收银机无订单", "charged, no sale in the till",
		"紧急：顾客已付款但收银机没有完成的订单——补录订单或原路退款",
		"Urgent: the customer paid but the till has no completed sale; complete the sale or refund the customer", true},
	OnlyTill: {"only_till", "收银机有，渠道未结算", "in the till, not settled",
		"向渠道查询该订单；确认未收到款项则向顾客补收或冲销订单",
		"Query the payment at the provider; if it was not paid, collect again or void the sale", false},
	ReversedAtProvider: {"reversed_at_provider", "渠道已撤销，收银机记为已售", "reversed at the provider, sold in the till",
		"款项已退回顾客：重新收款或冲销订单", "The money went back to the customer: collect again or void the sale", false},
	RefundOnlyProvider: {"refund_only_provider", "渠道已退款，收银机无退款", "refunded at the provider only",
		"核实该退款；属实则在收银机补记退款", "Check the refund; if it is genuine, record it in the till", false},
	RefundOnlyTill: {"refund_only_till", "收银机已退款，渠道未退款", "refund in the till only",
		"查询退款状态，必要时重新发起退款", "Query the refund at the provider; send it again if needed", false},
	RefundMismatch: {"refund_mismatch", "退款不符", "refund differs",
		"退款金额或原订单与账单不符：核对退款记录", "The refund's amount or payment differs from the bill: check the refund", false},
	RefundPending: {"refund_pending", "渠道已退款，收银机待确认", "refund pending in the till",
		"在收银机查询退款结果", "Query the refund from the till to finish it", false},
	AwaitingBill: {"awaiting_bill", "待相邻日账单", "awaiting the adjacent day's bill",
		"临近零点的交易：相邻日账单下载后重新对账", "Near midnight: reconcile again once the adjacent day's bill is in", false},
	NoBill: {"no_bill", "缺少当日账单", "no bill for the day",
		"下载或导入当日账单后重新对账", "Download or import the day's bill, then reconcile again", false},
	Duplicate: {"duplicate", "账单重复", "twice on the bill",
		"紧急：同一订单在账单中出现两次，联系渠道核实是否重复扣款", "Urgent: the bill has this twice; ask the provider whether it charged twice", true},
}

func (s Status) text() statusText {
	if int(s) < len(statusTexts) && statusTexts[s].code != "" {
		return statusTexts[s]
	}
	return statusText{code: fmt.Sprintf("status(%d)", uint8(s))}
}

// String returns the stable code: "matched", "only_provider", ….
func (s Status) String() string { return s.text().code }

// ParseStatus reads Status.String's codes.
func ParseStatus(code string) (Status, error) {
	for s, t := range statusTexts {
		if t.code != "" && t.code == code {
			return Status(s), nil
		}
	}
	return 0, fmt.Errorf("settlement: unknown status %q", code)
}

// Difference reports whether s is a difference: anything but Matched,
// CrossDay and Reversed.
func (s Status) Difference() bool { return s > Reversed }

// Urgent reports whether s needs action today: a customer charged with no
// sale to show for it, or charged twice.
func (s Status) Urgent() bool { return s.text().urgent }

// Label names s in lang ("zh" or "en"; anything else is Chinese).
func (s Status) Label(lang string) string {
	if lang == "en" {
		return s.text().en
	}
	return s.text().zh
}

// Action says what to do about s in lang; "" when nothing.
func (s Status) Action(lang string) string {
	if lang == "en" {
		return s.text().actionEn
	}
	return s.text().actionZh
}

var (
	channelNames = map[Channel][2]string{Alipay: {"支付宝", "Alipay"}, Wechat: {"微信支付", "WeChat Pay"},
		Acquirer: {"银联/数字人民币/银行卡", "UnionPay, e-CNY, cards"}}
	kindLabels = map[Kind][2]string{KindPayment: {"收款", "payment"}, KindRefund: {"退款", "refund"},
		KindReversal: {"撤销", "reversal"}}
)

// ChannelLabel names a channel in lang.
func ChannelLabel(ch Channel, lang string) string {
	n, ok := channelNames[ch]
	switch {
	case !ok:
		return string(ch)
	case lang == "en":
		return n[1]
	}
	return n[0]
}

// KindLabel names a kind in lang.
func KindLabel(k Kind, lang string) string {
	n, ok := kindLabels[k]
	switch {
	case !ok:
		return k.String()
	case lang == "en":
		return n[1]
	}
	return n[0]
}
