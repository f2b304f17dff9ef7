package settlement

import (
	"strconv"
	"strings"

	"zhanggui/pos/money"
)

// Columns of the WeChat summary row; every one the file has is checked.
const (
	wsCount = iota
	wsSettled
	wsRefunded
	wsRecharge
	wsFees
	wsOrdered
	wsAsked
	wsColumns // how many
)

var wechatSummaryCols = []column{
	wsCount:    {names: []string{"总交易单数"}, required: true},
	wsSettled:  {names: []string{"应结订单总金额", "总交易额"}},
	wsRefunded: {names: []string{"退款总金额"}},
	wsRecharge: {names: []string{"充值券退款总金额", "企业红包退款总金额"}},
	wsFees:     {names: []string{"手续费总金额"}},
	wsOrdered:  {names: []string{"订单总金额"}},
	wsAsked:    {names: []string{"申请退款总金额"}},
}

// wechatTotals sums the detail cells as the summary does [U; as the
// simulator and the sample bills write it]: 总交易单数 counts every
// detail row; the order totals (应结订单总金额, 订单总金额) sum the SUCCESS
// rows; the refund totals (退款总金额, 充值券退款总金额, 申请退款总金额)
// sum the REFUND rows that did not FAIL and the REVOKED rows; 手续费总金额
// sums every row's fee. The cells are summed as written, so a total
// checks the file, not the parser's reading of it.
type wechatTotals struct {
	n   int
	sum [wsColumns]money.Fen // by summary column; wsCount unused
}

// add counts one detail row of 交易状态 state and 退款状态 refundState.
func (t *wechatTotals) add(state, refundState string, a *wechatAmounts) {
	t.n++
	t.sum[wsFees] += a.fee
	switch {
	case state == "SUCCESS":
		t.sum[wsSettled] += a.settled
		t.sum[wsOrdered] += a.ordered
	case state == "REVOKED" || state == "REFUND" && refundState != "FAIL":
		t.sum[wsRefunded] += a.refund
		t.sum[wsRecharge] += a.rechargeRefund
		t.sum[wsAsked] += a.asked
	}
}

// checkWechatSummary checks the summary rows after the details (at line
// index i): its header, then one row of backtick cells, each total
// against the rows'.
func checkWechatSummary(ls []string, i int, tot *wechatTotals, p *problems) {
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
	if got, err := strconv.Atoi(h.get(vals, wsCount)); err != nil || got != tot.n {
		p.addf(j+1, h.names[wsCount], "the summary counts %q rows, the file has %d: is it complete?", h.get(vals, wsCount), tot.n)
	}
	for ci := wsSettled; ci < wsColumns; ci++ {
		if !h.has(ci) {
			continue
		}
		if got, err := parseYuan(h.get(vals, ci)); err != nil || got != tot.sum[ci] {
			p.addf(j+1, h.names[ci], "the summary's %q does not add up to the rows' %v", h.get(vals, ci), tot.sum[ci])
		}
	}
}
