package settlement

import (
	"archive/zip"
	"bytes"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// The Alipay trade bill (业务明细, PROTOCOLS.md §1.8): a zip whose entries
// {account}_{date}_业务明细.csv and …_业务明细(汇总).csv have GBK names
// and GBK content. The detail rows sit between the two "#-----业务明细列表"
// markers, under a header row; text cells end with a TAB. Refund rows
// are negative and keep their payment's order numbers; 服务费 is negative
// when charged. Older bills have 25 columns, newer ones more (实收净额,
// 商户识别号, 交易方式, …): columns are found by name.

// Columns of the detail file the parser reads.
const (
	aTradeNo = iota
	aOutTradeNo
	aType
	aCreated
	aFinished
	aAmount
	aReceived
	aRefundNo
	aFee
	aStore
	aAlipayDiscount
	aMerchantDiscount
	aCard
	aShare
	aNet
)

var alipayCols = []column{
	aTradeNo:    {names: []string{"支付宝交易号"}, required: true},
	aOutTradeNo: {names: []string{"商户订单号"}, required: true},
	aType:       {names: []string{"业务类型"}, required: true},
	aCreated:    {names: []string{"创建时间"}},
	aFinished:   {names: []string{"完成时间"}, required: true},
	aAmount:     {names: []string{"订单金额(元)"}, required: true},
	aReceived:   {names: []string{"商家实收(元)"}},
	aRefundNo:   {names: []string{"退款批次号/请求号"}, required: true},
	aFee:        {names: []string{"服务费(元)"}, required: true},
	// Read for the summary file's totals (alipay_summary.go).
	aStore:            {names: []string{"门店编号"}},
	aAlipayDiscount:   {names: []string{"支付宝优惠(元)"}},
	aMerchantDiscount: {names: []string{"商家优惠(元)"}},
	aCard:             {names: []string{"卡消费金额(元)"}},
	aShare:            {names: []string{"分润(元)"}},
	aNet:              {names: []string{"实收净额(元)"}},
}

// ParseAlipay reads an Alipay trade bill: the zip as downloaded, or its
// detail CSV taken out by hand (GBK or UTF-8). The file's totals lines,
// when present, must agree with its rows, and so must the zip's summary
// file (业务明细(汇总)), per store and in all.
func ParseAlipay(data []byte) (Bill, error) {
	text, summary, err := alipayFiles(data)
	if err != nil {
		return Bill{}, err
	}
	ls := lines(text)
	b := Bill{Channel: Alipay}
	p := problems{channel: Alipay}
	start := alipayHeaderLine(ls)
	if start < 0 {
		return Bill{}, fileError(Alipay, "no detail header (a line with 商户订单号 and 业务类型): not an Alipay trade bill")
	}
	b.From, b.To = alipayPeriod(ls[:start], &p)
	cells, _ := splitCSV(ls[start], nil)
	h, missing := readHeader(cells, alipayCols)
	if len(missing) > 0 {
		p.addf(start+1, "", "the header lacks %s", strings.Join(missing, ", "))
		return Bill{}, p.err()
	}
	end, tot := alipayRows(ls, start+1, &h, &b, &p)
	checkAlipayTotals(ls[end:], end, tot, &p)
	if summary != "" && p.err() == nil {
		checkAlipaySummary(lines(summary), &h, tot.stores, &p)
	}
	if err := p.err(); err != nil {
		return Bill{}, err
	}
	return b, nil
}

// alipayFiles returns the detail file's text and the summary's ("" when
// there is none) from a zip, or data itself decoded when it is no zip.
func alipayFiles(data []byte) (detail, summary string, err error) {
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return decodeText(data), "", nil
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", "", fileError(Alipay, "not a readable zip: %v", err)
	}
	f, sf, err := alipayEntries(zr)
	if err != nil {
		return "", "", err
	}
	if detail, err = zipText(f); err != nil {
		return "", "", err
	}
	if sf != nil {
		summary, err = zipText(sf)
	}
	return detail, summary, err
}

// zipText reads and decodes one zip entry.
func zipText(f *zip.File) (string, error) {
	rc, err := f.Open()
	if err != nil {
		return "", fileError(Alipay, "zip entry %s: %v", f.Name, err)
	}
	defer rc.Close() // read only
	raw, err := readAllMax(rc)
	if err != nil {
		return "", fileError(Alipay, "zip entry %s: %v", f.Name, err)
	}
	return decodeText(raw), nil
}

// alipayEntries picks the 业务明细 entry and the 汇总 (summary) entry,
// nil when there is none. Names without the zip UTF-8 flag are GBK, as
// Alipay writes them.
func alipayEntries(zr *zip.Reader) (detail, summary *zip.File, err error) {
	var names []string
	for _, f := range zr.File {
		name := f.Name
		if f.NonUTF8 {
			if s, err := simplifiedchinese.GB18030.NewDecoder().String(name); err == nil {
				name = s
			}
		}
		names = append(names, name)
		switch {
		case !strings.Contains(name, "业务明细") || !strings.HasSuffix(name, ".csv"):
		case strings.Contains(name, "汇总"):
			summary = f
		case detail == nil:
			detail = f
		}
	}
	if detail == nil {
		return nil, nil, fileError(Alipay, "the zip has no …_业务明细.csv entry (entries: %s)", strings.Join(names, ", "))
	}
	return detail, summary, nil
}

// alipayHeaderLine finds the detail header: the first line after the
// "业务明细列表" marker, or without markers the first line naming both
// 商户订单号 and 业务类型. It returns -1 when there is none.
func alipayHeaderLine(ls []string) int {
	from := 0
	for i, l := range ls {
		if strings.HasPrefix(l, "#") && strings.Contains(l, "业务明细列表") && !strings.Contains(l, "结束") {
			from = i + 1
			break
		}
	}
	for i := from; i < len(ls); i++ {
		if !strings.HasPrefix(ls[i], "#") && strings.Contains(ls[i], "商户订单号") && strings.Contains(ls[i], "业务类型") {
			return i
		}
	}
	return -1
}

// alipayPeriod reads "#起始日期：[2019年09月16日 00:00:00]   终止日期：[…]".
func alipayPeriod(head []string, p *problems) (from, to time.Time) {
	for i, l := range head {
		if !strings.Contains(l, "起始日期") {
			continue
		}
		f, okF := bracketTime(l, "起始日期")
		t, okT := bracketTime(l, "终止日期")
		if !okF || !okT || !t.After(f) {
			p.addf(i+1, "", "bad period line %q", l)
			return time.Time{}, time.Time{}
		}
		return f, t
	}
	return time.Time{}, time.Time{}
}

// bracketTime reads the time in "label：[2019年09月16日 00:00:00]".
func bracketTime(l, label string) (time.Time, bool) {
	_, rest, ok := strings.Cut(l, label)
	if !ok {
		return time.Time{}, false
	}
	_, rest, ok1 := strings.Cut(rest, "[")
	val, _, ok2 := strings.Cut(rest, "]")
	if !ok1 || !ok2 {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation("2006年01月02日 15:04:05", strings.TrimSpace(val), Beijing)
	return t, err == nil
}

// alipayTotals counts and sums the rows as the totals lines do: 商家实收
// (or 订单金额 when the file has no such column), refunds negative.
type alipayTotals struct {
	pays, refunds     int
	paySum, refundSum money.Fen
	stores            map[string]*storeSums // the summary file's figures, by 门店编号
}

// alipayRows reads rows from line index i until a # line or the end, and
// returns the index where it stopped.
func alipayRows(ls []string, i int, h *header, b *Bill, p *problems) (int, alipayTotals) {
	var cells []string
	tot := alipayTotals{stores: map[string]*storeSums{}}
	for ; i < len(ls) && !strings.HasPrefix(ls[i], "#"); i++ {
		if strings.TrimSpace(ls[i]) == "" {
			continue
		}
		var err error
		if cells, err = splitCSV(ls[i], cells); err != nil {
			p.add(i+1, "", err)
			continue
		}
		cr := cellReader{h: h, cells: cells, line: i + 1, p: p}
		r, ok := alipayRow(&cr)
		if !ok {
			continue
		}
		b.Rows = append(b.Rows, r)
		received := r.Signed()
		if h.has(aReceived) {
			received = cr.yuan(aReceived, true)
		}
		if r.Kind == KindPayment {
			tot.pays, tot.paySum = tot.pays+1, tot.paySum+received
		} else {
			tot.refunds, tot.refundSum = tot.refunds+1, tot.refundSum+received
		}
		tot.addStore(&cr, r.Kind == KindPayment)
	}
	return i, tot
}

// alipayRow turns one detail row into a Row; false if it had a problem
// (recorded in r.p).
func alipayRow(r *cellReader) (Row, bool) {
	row := Row{Line: r.line, Provider: pos.Alipay, TradeNo: r.need(aTradeNo), OutTradeNo: r.need(aOutTradeNo)}
	signed, amountOK := r.yuanOK(aAmount, false)
	amount, negative := abs(signed)
	row.Amount, row.Fee = amount, -r.yuan(aFee, true)
	switch kind := r.need(aType); kind {
	case "交易":
		row.Kind = KindPayment
		if amountOK && (negative || amount == 0) {
			r.failf(aAmount, "a payment of %v", signed)
		}
	case "退款":
		row.Kind, row.OutRefundNo = KindRefund, r.text(aRefundNo)
		// A cancel of a paid trade carries no request number of its own
		// (the simulator writes the out_trade_no there) [U].
		if row.OutRefundNo == "" || row.OutRefundNo == row.OutTradeNo {
			row.Kind, row.OutRefundNo = KindReversal, ""
		}
		if amountOK && amount == 0 {
			r.failf(aAmount, "a refund of 0")
		}
	case "":
	default:
		r.failf(aType, "unknown 业务类型 %q (want 交易 or 退款)", kind)
	}
	at := aFinished
	if r.text(aFinished) == "" && r.text(aCreated) != "" {
		at = aCreated
	}
	row.At = r.time(at)
	return row, !r.bad
}

// checkAlipayTotals compares the "#交易合计：N笔，商家实收共X元" and
// "#退款合计：…" lines after the rows (from line index at) with the rows:
// a truncated or edited file shows here.
func checkAlipayTotals(tail []string, at int, tot alipayTotals, p *problems) {
	for i, l := range tail {
		switch {
		case strings.HasPrefix(l, "#交易合计"):
			checkTotal(l, at+i+1, "商家实收共", tot.pays, tot.paySum, p)
		case strings.HasPrefix(l, "#退款合计"):
			checkTotal(l, at+i+1, "商家实收退款共", tot.refunds, tot.refundSum, p)
		}
	}
}

// checkTotal reads "…：N笔，<label>X元…" and compares N and X with the
// rows' count n and sum.
func checkTotal(l string, line int, label string, n int, sum money.Fen, p *problems) {
	_, rest, _ := strings.Cut(l, "：")
	count, rest, ok := strings.Cut(rest, "笔")
	got, err := strconv.Atoi(strings.TrimSpace(count))
	if !ok || err != nil {
		p.addf(line, "", "bad totals line %q", l)
		return
	}
	if got != n {
		p.addf(line, "", "the totals say %d rows, the file has %d: is it complete?", got, n)
		return
	}
	_, rest, ok = strings.Cut(rest, label)
	amount, _, ok2 := strings.Cut(rest, "元")
	if !ok || !ok2 {
		return // a totals line without this amount: the count is checked
	}
	if f, err := parseYuan(strings.TrimSpace(amount)); err != nil || f != sum {
		p.addf(line, "", "the totals say %s yuan, the rows add up to %v", strings.TrimSpace(amount), sum)
	}
}
