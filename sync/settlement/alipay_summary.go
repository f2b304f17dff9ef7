package settlement

import (
	"fmt"
	"strconv"
	"strings"

	"zhanggui/pos/money"
)

// The Alipay summary file (…_业务明细(汇总).csv, PROTOCOLS.md §1.8): between
// "#-----…业务汇总列表…" markers, a header and one row per store (门店编号),
// then a 合计 row for all. Counts are of 交易 and 退款 rows; each amount
// is the sum of the detail column of the same name, as signed there
// (refunds negative, 服务费 negative when charged).

// Columns of the summary file.
const (
	asStore = iota
	asStoreName
	asTrades
	asRefunds
	asAmount
	asReceived
	asAlipayDiscount
	asMerchantDiscount
	asCard
	asFee
	asShare
	asNet
	asColumns // how many
)

var alipaySummaryCols = []column{
	asStore:            {names: []string{"门店编号"}, required: true},
	asStoreName:        {names: []string{"门店名称"}},
	asTrades:           {names: []string{"交易订单总笔数"}, required: true},
	asRefunds:          {names: []string{"退款订单总笔数"}, required: true},
	asAmount:           {names: []string{"订单金额(元)"}},
	asReceived:         {names: []string{"商家实收(元)"}},
	asAlipayDiscount:   {names: []string{"支付宝优惠(元)"}},
	asMerchantDiscount: {names: []string{"商家优惠(元)"}},
	asCard:             {names: []string{"卡消费金额(元)"}},
	asFee:              {names: []string{"服务费(元)"}},
	asShare:            {names: []string{"分润(元)"}},
	asNet:              {names: []string{"实收净额(元)"}},
}

// summaryDetail maps each amount column of the summary to the detail
// column it sums. 实收净额 is checked only when the detail file has the
// column: how 分润 enters it is not documented [U].
var summaryDetail = [asColumns]int{asAmount: aAmount, asReceived: aReceived, asAlipayDiscount: aAlipayDiscount,
	asMerchantDiscount: aMerchantDiscount, asCard: aCard, asFee: aFee, asShare: aShare, asNet: aNet}

// storeSums is one store's (or every store's) detail rows in the summary
// file's terms.
type storeSums struct {
	trades, refunds int
	sum             [asColumns]money.Fen
}

// allStores is the key of every store's sums together.
const allStores = "\x00all"

// addStore adds a row that was read well to its store's sums and to all.
func (t *alipayTotals) addStore(r *cellReader, payment bool) {
	store := r.text(aStore)
	for _, key := range []string{store, allStores} {
		s := t.stores[key]
		if s == nil {
			s = &storeSums{}
			t.stores[key] = s
		}
		if payment {
			s.trades++
		} else {
			s.refunds++
		}
		for sc := asAmount; sc < asColumns; sc++ {
			s.sum[sc] += r.yuan(summaryDetail[sc], true)
		}
	}
}

// checkAlipaySummary compares the summary file's rows with the detail's
// sums (dh is the detail's header). Its problems name the file in their
// column, since their lines are the summary file's.
func checkAlipaySummary(ls []string, dh *header, stores map[string]*storeSums, p *problems) {
	start := alipaySummaryHeader(ls)
	if start < 0 {
		p.add(0, "", fmt.Errorf("the summary file (业务明细(汇总)) has no header with 门店编号 and 交易订单总笔数"))
		return
	}
	cells, _ := splitCSV(ls[start], nil)
	h, missing := readHeader(cells, alipaySummaryCols)
	if len(missing) > 0 {
		p.addf(start+1, "汇总", "the summary header lacks %s", strings.Join(missing, ", "))
		return
	}
	seen, storeRows := map[string]bool{}, 0
	for i := start + 1; i < len(ls) && !strings.HasPrefix(ls[i], "#"); i++ {
		if strings.TrimSpace(ls[i]) == "" {
			continue
		}
		vals, err := splitCSV(ls[i], nil)
		if err != nil {
			p.add(i+1, "汇总", err)
			continue
		}
		key := h.get(vals, asStore)
		switch {
		case strings.HasPrefix(key, "合计") || strings.HasPrefix(h.get(vals, asStoreName), "合计"):
			key = allStores
		case !dh.has(aStore):
			continue // a store's row, and the detail does not say which rows are whose
		}
		if seen[key] = true; key != allStores {
			storeRows++
		}
		checkStoreRow(vals, i+1, &h, dh, stores[key], p)
	}
	for key, s := range stores {
		if !seen[key] && key != allStores && storeRows > 0 && (s.trades > 0 || s.refunds > 0) {
			p.addf(start+1, "汇总", "store %q has %d rows in the detail and none in the summary", key, s.trades+s.refunds)
		}
	}
}

// alipaySummaryHeader finds the summary's header line, after its marker
// when there is one; -1 when there is none.
func alipaySummaryHeader(ls []string) int {
	for i, l := range ls {
		if !strings.HasPrefix(l, "#") && strings.Contains(l, "门店编号") && strings.Contains(l, "交易订单总笔数") {
			return i
		}
	}
	return -1
}

// checkStoreRow compares one summary row with its store's detail sums
// (nil: the detail has no row of that store).
func checkStoreRow(vals []string, line int, h, dh *header, s *storeSums, p *problems) {
	if s == nil {
		s = &storeSums{}
	}
	col := func(ci int) string { return "汇总 " + h.names[ci] }
	for _, c := range [...]struct{ ci, n int }{{asTrades, s.trades}, {asRefunds, s.refunds}} {
		ci, n := c.ci, c.n
		if got, err := strconv.Atoi(h.get(vals, ci)); err != nil || got != n {
			p.addf(line, col(ci), "the summary says %q, the detail has %d: is it complete?", h.get(vals, ci), n)
		}
	}
	for sc := asAmount; sc < asColumns; sc++ {
		if !h.has(sc) || !dh.has(summaryDetail[sc]) {
			continue
		}
		if got, err := parseYuan(h.get(vals, sc)); err != nil || got != s.sum[sc] {
			p.addf(line, col(sc), "the summary says %q, the detail rows add up to %v", h.get(vals, sc), s.sum[sc])
		}
	}
}
