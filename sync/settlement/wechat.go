package settlement

import (
	"strings"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// The WeChat Pay trade bill (PROTOCOLS.md §2.5), from v2 downloadbill or v3
// tradebill: UTF-8 text (a BOM allowed, gzip on request), a header row,
// detail rows whose every cell starts with a backtick, then a summary
// header (总交易单数,…) and a summary row. 交易状态 is SUCCESS for a
// payment, REFUND for a refund (with 商户退款单号 and 退款金额) and REVOKED
// for a reversed payment. 手续费 is the fee, negative on refund rows (given
// back).

// Columns of the detail rows the parser reads. Every money column the
// file has is read on every row: a corrupt cell is a bad line even where
// the row's meaning does not depend on it.
const (
	wTime = iota
	wTradeNo
	wOutTradeNo
	wState
	wSettled
	wCoupon
	wOutRefundNo
	wRefund
	wRechargeRefund
	wRefundState
	wFee
	wOrdered
	wRefundAsked
)

var wechatCols = []column{
	wTime:           {names: []string{"交易时间"}, required: true},
	wTradeNo:        {names: []string{"微信订单号"}, required: true},
	wOutTradeNo:     {names: []string{"商户订单号"}, required: true},
	wState:          {names: []string{"交易状态"}, required: true},
	wSettled:        {names: []string{"应结订单金额", "总金额"}, required: true},
	wCoupon:         {names: []string{"代金券金额", "代金券或立减优惠金额"}},
	wOutRefundNo:    {names: []string{"商户退款单号"}, required: true},
	wRefund:         {names: []string{"退款金额", "申请退款金额"}, required: true},
	wRechargeRefund: {names: []string{"充值券退款金额", "代金券或立减优惠退款金额"}},
	wRefundState:    {names: []string{"退款状态"}},
	wFee:            {names: []string{"手续费"}, required: true},
	wOrdered:        {names: []string{"订单金额"}},
	wRefundAsked:    {names: []string{"申请退款金额"}},
}

// ParseWechat reads a WeChat Pay trade bill (type ALL, SUCCESS or REFUND),
// gzip or plain. Refund rows whose 退款状态 is FAIL moved no money and are
// left out. Every total of the summary row must agree with the detail
// rows (see wechatTotals).
func ParseWechat(data []byte) (Bill, error) {
	raw, err := gunzip(data)
	if err != nil {
		return Bill{}, fileError(Wechat, "%v", err)
	}
	ls := lines(decodeText(raw))
	start := 0
	for start < len(ls) && strings.TrimSpace(ls[start]) == "" {
		start++
	}
	if start == len(ls) || !strings.Contains(ls[start], "交易时间") || !strings.Contains(ls[start], "商户订单号") {
		return Bill{}, fileError(Wechat, "the first line is no header with 交易时间 and 商户订单号: not a WeChat Pay trade bill")
	}
	p := problems{channel: Wechat}
	cells, _ := splitCSV(ls[start], nil)
	h, missing := readHeader(cells, wechatCols)
	if len(missing) > 0 {
		p.addf(start+1, "", "the header lacks %s", strings.Join(missing, ", "))
		return Bill{}, p.err()
	}
	b := Bill{Channel: Wechat}
	end, tot := wechatRows(ls, start+1, &h, &b, &p)
	checkWechatSummary(ls, end, &tot, &p)
	if err := p.err(); err != nil {
		return Bill{}, err
	}
	return b, nil
}

// wechatRows reads detail rows from line index i up to the summary header
// and returns that index and the rows' totals.
func wechatRows(ls []string, i int, h *header, b *Bill, p *problems) (int, wechatTotals) {
	var cells []string
	var tot wechatTotals
	for ; i < len(ls); i++ {
		if strings.TrimSpace(ls[i]) == "" {
			continue
		}
		var err error
		if cells, err = splitCSV(ls[i], cells); err != nil {
			p.add(i+1, "", err)
			continue
		}
		if clean(cells[0]) == "总交易单数" {
			break
		}
		cr := cellReader{h: h, cells: cells, line: i + 1, p: p}
		a := readWechatAmounts(&cr)
		r, keep := wechatRow(&cr, &a)
		tot.add(cr.text(wState), cr.text(wRefundState), &a)
		if keep && !cr.bad {
			b.Rows = append(b.Rows, r)
		}
	}
	return i, tot
}

// wechatAmounts is one detail row's money cells as the file writes them.
type wechatAmounts struct {
	settled, coupon, refund, rechargeRefund, fee, ordered, asked money.Fen
}

// readWechatAmounts reads every money cell of a row; one that does not
// parse makes the row bad. A column the file lacks reads as zero.
func readWechatAmounts(r *cellReader) wechatAmounts {
	return wechatAmounts{settled: r.yuan(wSettled, true), coupon: r.yuan(wCoupon, true), refund: r.yuan(wRefund, true),
		rechargeRefund: r.yuan(wRechargeRefund, true), fee: r.yuan(wFee, true), ordered: r.yuan(wOrdered, true),
		asked: r.yuan(wRefundAsked, true)}
}

// wechatRow turns one detail row into a Row; keep is false for a failed
// refund, which moved no money.
func wechatRow(r *cellReader, a *wechatAmounts) (row Row, keep bool) {
	row = Row{Line: r.line, Provider: pos.Wechat, TradeNo: r.need(wTradeNo), OutTradeNo: r.need(wOutTradeNo),
		At: r.time(wTime), Fee: a.fee}
	switch state := r.need(wState); state {
	case "SUCCESS":
		row.Kind = KindPayment
		row.Amount, row.Coupon, row.Unsettled = wechatPaid(r, a)
	case "REFUND":
		row.Kind, row.OutRefundNo = KindRefund, r.need(wOutRefundNo)
		if r.text(wRefundState) == "FAIL" {
			return row, false
		}
		row.Amount, row.Coupon, row.Unsettled = wechatRefunded(r, a)
	case "REVOKED":
		row.Kind = KindReversal
		if row.Amount, row.Coupon, row.Unsettled = wechatRefunded(r, a); row.Amount == 0 {
			row.Amount, row.Coupon, row.Unsettled = wechatPaid(r, a)
		}
	case "":
	default:
		r.failf(wState, "unknown 交易状态 %q (want SUCCESS, REFUND or REVOKED)", state)
	}
	if row.Amount <= 0 && row.Kind != 0 && !r.bad {
		r.failf(wSettled, "a %s of %v", row.Kind, row.Amount)
	}
	return row, true
}

// wechatPaid reads a payment's amounts: the order's (订单金额, what the
// till asked for), the coupon part (代金券金额) and the part not settled.
//
// How coupons settle [S WeChat Pay 代金券 product pages; U the exact split,
// PROTOCOLS.md §2.5 is silent on coupons]:
//   - A 充值券 (pre-funded coupon, 预充值): its funder — WeChat, a brand or
//     the merchant — put the coupon's budget into WeChat beforehand, and
//     WeChat pays that part to the merchant. 应结订单金额 = 订单金额: the
//     merchant is settled in full; the coupon only shows how it was paid.
//   - A 免充值券 (no deposit): the merchant funds the discount by not being
//     paid it. 应结订单金额 = 订单金额 − the 免充值券 part, and the fee is
//     charged on 应结订单金额.
//
// 代金券金额 is both kinds together and the bill has no column for the
// 免充值 part, so it is read as 订单金额 − 应结订单金额 (Unsettled), which
// must not exceed 代金券金额. The till's amount is the order's: the sale
// was for that much. Reconciliation matches it against 订单金额 and shows
// the unsettled coupon part as what the settlement lacks, neither as an
// amount difference nor silently.
func wechatPaid(r *cellReader, a *wechatAmounts) (amount, coupon, unsettled money.Fen) {
	amount = a.ordered
	if amount == 0 { // bills of old generations have no 订单金额
		amount = a.settled
	}
	coupon, unsettled = a.coupon, amount-a.settled
	if !r.h.has(wCoupon) {
		coupon = unsettled // the file does not say; the gap can only be a coupon
	}
	switch {
	case r.bad:
	case a.settled < 0:
		r.failf(wSettled, "a negative 应结订单金额 %v", a.settled)
	case unsettled < 0:
		r.failf(wSettled, "应结订单金额 %v is more than 订单金额 %v", a.settled, amount)
	case coupon < 0 || coupon > amount:
		r.failf(wCoupon, "代金券金额 %v is not within 0 … 订单金额 %v", coupon, amount)
	case unsettled > coupon:
		r.failf(wSettled, "订单金额 − 应结订单金额 = %v is more than 代金券金额 %v: no coupon explains it", unsettled, coupon)
	}
	return amount, coupon, unsettled
}

// wechatRefunded reads a refund's amounts: what the till asked back
// (申请退款金额), the coupon part given back and the part not settled.
// 退款金额 is what the merchant's settlement gives back: 申请退款金额
// less the 免充值券 part, which returns to the coupon, not to the
// customer's money (see wechatPaid). 充值券退款金额 is the pre-funded
// coupon part, inside 退款金额: the merchant was paid it, and gives it back.
func wechatRefunded(r *cellReader, a *wechatAmounts) (amount, coupon, unsettled money.Fen) {
	refund, _ := abs(a.refund)
	recharge, _ := abs(a.rechargeRefund)
	amount, _ = abs(a.asked)
	if amount == 0 {
		amount = refund
	}
	unsettled = amount - refund
	coupon = recharge + unsettled
	switch {
	case r.bad:
	case unsettled < 0:
		r.failf(wRefund, "退款金额 %v is more than 申请退款金额 %v", refund, amount)
	case recharge > refund:
		r.failf(wRechargeRefund, "充值券退款金额 %v is more than 退款金额 %v", recharge, refund)
	}
	return amount, coupon, unsettled
}
