package settlement

import (
	"strconv"
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

// Columns of the detail rows the parser reads.
const (
	wTime = iota
	wTradeNo
	wOutTradeNo
	wState
	wSettled
	wOrdered
	wOutRefundNo
	wRefund
	wRefundState
	wFee
)

var wechatCols = []column{
	wTime:        {names: []string{"交易时间"}, required: true},
	wTradeNo:     {names: []string{"微信订单号"}, required: true},
	wOutTradeNo:  {names: []string{"商户订单号"}, required: true},
	wState:       {names: []string{"交易状态"}, required: true},
	wSettled:     {names: []string{"应结订单金额", "总金额"}, required: true},
	wOrdered:     {names: []string{"订单金额"}},
	wOutRefundNo: {names: []string{"商户退款单号"}, required: true},
	wRefund:      {names: []string{"退款金额", "申请退款金额"}, required: true},
	wRefundState: {names: []string{"退款状态"}},
	wFee:         {names: []string{"手续费"}, required: true},
}

// Columns of the summary row the parser checks.
const (
	wsCount = iota
	wsFees
)

var wechatSummaryCols = []column{
	wsCount: {names: []string{"总交易单数"}, required: true},
	wsFees:  {names: []string{"手续费总金额"}},
}

// ParseWechat reads a WeChat Pay trade bill (type ALL, SUCCESS or REFUND),
// gzip or plain. Refund rows whose 退款状态 is FAIL moved no money and are
// left out. The summary's 总交易单数 must count the detail rows, and its
// 手续费总金额 (when present) must add up to their fees.
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
	end, n, fees := wechatRows(ls, start+1, &h, &b, &p)
	checkWechatSummary(ls, end, n, fees, &p)
	if err := p.err(); err != nil {
		return Bill{}, err
	}
	return b, nil
}

// wechatRows reads detail rows from line index i up to the summary header
// and returns that index, the number of detail rows and their fees.
func wechatRows(ls []string, i int, h *header, b *Bill, p *problems) (int, int, money.Fen) {
	var cells []string
	var n int
	var fees money.Fen
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
		n++
		cr := cellReader{h: h, cells: cells, line: i + 1, p: p}
		r, keep := wechatRow(&cr)
		fees += r.Fee
		if keep && !cr.bad {
			b.Rows = append(b.Rows, r)
		}
	}
	return i, n, fees
}

// wechatRow turns one detail row into a Row; keep is false for a failed
// refund, which moved no money.
func wechatRow(r *cellReader) (row Row, keep bool) {
	row = Row{Line: r.line, Provider: pos.Wechat, TradeNo: r.need(wTradeNo), OutTradeNo: r.need(wOutTradeNo),
		At: r.time(wTime), Fee: r.yuan(wFee, true)}
	ordered := r.yuan(wOrdered, true)
	if ordered == 0 {
		ordered = r.yuan(wSettled, false)
	}
	refund, _ := abs(r.yuan(wRefund, true))
	switch state := r.need(wState); state {
	case "SUCCESS":
		row.Kind, row.Amount = KindPayment, ordered
	case "REFUND":
		row.Kind, row.Amount, row.OutRefundNo = KindRefund, refund, r.need(wOutRefundNo)
		if r.text(wRefundState) == "FAIL" {
			return row, false
		}
	case "REVOKED":
		row.Kind, row.Amount = KindReversal, refund
		if refund == 0 {
			row.Amount = ordered
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

// checkWechatSummary checks the summary rows after the details (at line
// index i): its header, then one row of backtick cells.
func checkWechatSummary(ls []string, i, n int, fees money.Fen, p *problems) {
	if i >= len(ls) {
		p.addf(len(ls), "", "no summary (总交易单数,…) after the rows: is the file complete?")
		return
	}
	cells, _ := splitCSV(ls[i], nil)
	h, _ := readHeader(cells, wechatSummaryCols)
	j := i + 1
	for j < len(ls) && strings.TrimSpace(ls[j]) == "" {
		j++
	}
	if j == len(ls) {
		p.addf(i+1, "", "the summary header has no row under it")
		return
	}
	vals, err := splitCSV(ls[j], nil)
	if err != nil {
		p.add(j+1, "", err)
		return
	}
	if got, err := strconv.Atoi(h.get(vals, wsCount)); err != nil || got != n {
		p.addf(j+1, h.names[wsCount], "the summary counts %q rows, the file has %d: is it complete?", h.get(vals, wsCount), n)
	}
	if h.has(wsFees) {
		if got, err := parseYuan(h.get(vals, wsFees)); err != nil || got != fees {
			p.addf(j+1, h.names[wsFees], "the summary's fees %q do not add up to the rows' %v", h.get(vals, wsFees), fees)
		}
	}
}
