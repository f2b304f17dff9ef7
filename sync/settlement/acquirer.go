package settlement

import (
	"fmt"
	"io"
	"strings"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// The acquirer's bill. The simulator's acquirer API (sync/providersim, our
// own design of an aggregator, PROTOCOLS.md §4.1) serves no bill, and every
// real acquirer (银联商务, 拉卡拉, 通联, …) has its own layout, so this is our
// design in the shape they share [U]: UTF-8 CSV (a BOM allowed), comment
// lines starting with '#', a header row and one row per money movement,
// amounts in yuan, refunds and reversals negative:
//
//	#收单机构交易明细对账单
//	#商户号：[M100001]
//	#起始日期：[2026年11月25日 00:00:00]   终止日期：[2026年11月26日 00:00:00]
//	交易时间,交易类型,钱包,商户订单号,退款单号,收单流水号,交易金额(元),手续费(元),清算金额(元)
//	2026-11-25 10:00:01,消费,UNIONPAY,0195a3…,,20261125100001123456,12.00,0.07,11.93
//	2026-11-25 11:00:00,退货,UNIONPAY,0195a3…,0195b7…,R20261125110000123,-2.00,-0.01,-1.99
//	#合计：2笔，交易金额10.00元，手续费0.06元，清算金额9.94元
//
// 交易类型 is 消费 (payment), 退货 (refund) or 撤销 (reversal); 钱包 is
// UNIONPAY, ECNY or CARD, as the acquirer API names them. Each row's
// 清算金额 must be 交易金额 − 手续费. Columns are read by name, so a real
// acquirer's file needs only its names added to acquirerCols.

// Columns of the acquirer's bill.
const (
	qTime = iota
	qType
	qWallet
	qOutTradeNo
	qOutRefundNo
	qTxnNo
	qAmount
	qFee
	qNet
)

var acquirerCols = []column{
	qTime:        {names: []string{"交易时间"}, required: true},
	qType:        {names: []string{"交易类型"}, required: true},
	qWallet:      {names: []string{"钱包", "支付方式"}, required: true},
	qOutTradeNo:  {names: []string{"商户订单号"}, required: true},
	qOutRefundNo: {names: []string{"退款单号", "商户退款单号"}, required: true},
	qTxnNo:       {names: []string{"收单流水号", "交易流水号"}, required: true},
	qAmount:      {names: []string{"交易金额(元)", "交易金额"}, required: true},
	qFee:         {names: []string{"手续费(元)", "手续费"}, required: true},
	qNet:         {names: []string{"清算金额(元)", "清算金额"}},
}

var acquirerHeader = []string{"交易时间", "交易类型", "钱包", "商户订单号", "退款单号", "收单流水号",
	"交易金额(元)", "手续费(元)", "清算金额(元)"}

var (
	acquirerKinds   = map[string]Kind{"消费": KindPayment, "退货": KindRefund, "撤销": KindReversal}
	acquirerWallets = map[string]pos.Provider{"UNIONPAY": pos.UnionPay, "ECNY": pos.ECNY, "CARD": ProviderCard}
)

// ParseAcquirer reads the acquirer's bill (the format above). The
// "#合计" line, when present, must agree with the rows.
func ParseAcquirer(data []byte) (Bill, error) {
	raw, err := gunzip(data)
	if err != nil {
		return Bill{}, fileError(Acquirer, "%v", err)
	}
	ls := lines(decodeText(raw))
	start := -1
	for i, l := range ls {
		if !strings.HasPrefix(l, "#") && strings.TrimSpace(l) != "" {
			start = i
			break
		}
	}
	if start < 0 || !strings.Contains(ls[start], "商户订单号") {
		return Bill{}, fileError(Acquirer, "no header with 商户订单号: not an acquirer bill")
	}
	p := problems{channel: Acquirer}
	b := Bill{Channel: Acquirer}
	b.From, b.To = alipayPeriod(ls[:start], &p) // the same period line as Alipay's
	cells, _ := splitCSV(ls[start], nil)
	h, missing := readHeader(cells, acquirerCols)
	if len(missing) > 0 {
		p.addf(start+1, "", "the header lacks %s", strings.Join(missing, ", "))
		return Bill{}, p.err()
	}
	end, tot := acquirerRows(ls, start+1, &h, &b, &p)
	for i := end; i < len(ls); i++ {
		if strings.HasPrefix(ls[i], "#合计") {
			checkAcquirerTotal(ls[i], i+1, tot, &p)
		}
	}
	if err := p.err(); err != nil {
		return Bill{}, err
	}
	return b, nil
}

// acquirerTotal is what the #合计 line sums.
type acquirerTotal struct {
	n                int
	amount, fee, net money.Fen
}

// acquirerRows reads rows from line index i to a # line or the end.
func acquirerRows(ls []string, i int, h *header, b *Bill, p *problems) (int, acquirerTotal) {
	var cells []string
	var tot acquirerTotal
	for ; i < len(ls) && !strings.HasPrefix(ls[i], "#"); i++ {
		if strings.TrimSpace(ls[i]) == "" {
			continue
		}
		var err error
		if cells, err = splitCSV(ls[i], cells); err != nil {
			p.add(i+1, "", err)
			continue
		}
		r, ok := acquirerRow(&cellReader{h: h, cells: cells, line: i + 1, p: p})
		if ok {
			b.Rows = append(b.Rows, r)
			tot.n, tot.amount, tot.fee, tot.net = tot.n+1, tot.amount+r.Signed(), tot.fee+r.Fee, tot.net+r.Net()
		}
	}
	return i, tot
}

// acquirerRow turns one row into a Row.
func acquirerRow(r *cellReader) (Row, bool) {
	row := Row{Line: r.line, OutTradeNo: r.need(qOutTradeNo), TradeNo: r.need(qTxnNo), At: r.time(qTime),
		Fee: r.yuan(qFee, true)}
	signed, amountOK := r.yuanOK(qAmount, false)
	kind, ok := acquirerKinds[r.text(qType)]
	if !ok {
		r.failf(qType, "unknown 交易类型 %q (want 消费, 退货 or 撤销)", r.text(qType))
	}
	if row.Provider, ok = acquirerWallets[strings.ToUpper(r.text(qWallet))]; !ok {
		r.failf(qWallet, "unknown 钱包 %q (want UNIONPAY, ECNY or CARD)", r.text(qWallet))
	}
	row.Kind = kind
	row.Amount, _ = abs(signed)
	if kind == KindRefund {
		row.OutRefundNo = r.need(qOutRefundNo)
	}
	if kind != 0 && amountOK && (row.Amount == 0 || (signed > 0) != (kind == KindPayment)) {
		r.failf(qAmount, "a %s of %v: payments are positive, refunds and reversals negative", kind, signed)
	}
	if r.h.has(qNet) && !r.bad && r.yuan(qNet, false) != row.Net() {
		r.failf(qNet, "清算金额 %s is not 交易金额 − 手续费 = %v", r.text(qNet), row.Net())
	}
	return row, !r.bad
}

// checkAcquirerTotal reads "#合计：N笔，交易金额X元，手续费Y元，清算金额Z元".
func checkAcquirerTotal(l string, line int, tot acquirerTotal, p *problems) {
	checkTotal(l, line, "交易金额", tot.n, tot.amount, p)
	for _, f := range []struct {
		label string
		sum   money.Fen
	}{{"手续费", tot.fee}, {"清算金额", tot.net}} {
		_, rest, ok := strings.Cut(l, f.label)
		amount, _, ok2 := strings.Cut(rest, "元")
		if !ok || !ok2 {
			continue
		}
		if got, err := parseYuan(strings.TrimSpace(amount)); err != nil || got != f.sum {
			p.addf(line, "", "the total %s %s is not the rows' %v", f.label, strings.TrimSpace(amount), f.sum)
		}
	}
}

// WriteAcquirer writes rows as an acquirer bill of merchant for [from, to)
// in the format ParseAcquirer reads, totals line included. Tests and
// benchmarks use it to turn the simulator's ledger into a bill; it is also
// the format to ask an acquirer for.
func WriteAcquirer(w io.Writer, merchant string, from, to time.Time, rows []Row) error {
	const cn = "2006年01月02日 15:04:05"
	var b strings.Builder
	fmt.Fprintf(&b, "#收单机构交易明细对账单\n#商户号：[%s]\n#起始日期：[%s]   终止日期：[%s]\n",
		merchant, from.In(Beijing).Format(cn), to.In(Beijing).Format(cn))
	b.WriteString(strings.Join(acquirerHeader, ",") + "\n")
	var tot acquirerTotal
	for i := range rows {
		r := &rows[i]
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%v,%v,%v\n", r.At.In(Beijing).Format(timeLayout), acquirerType(r.Kind),
			acquirerWallet(r.Provider), r.OutTradeNo, r.OutRefundNo, r.TradeNo, r.Signed(), r.Fee, r.Net())
		tot.n, tot.amount, tot.fee, tot.net = tot.n+1, tot.amount+r.Signed(), tot.fee+r.Fee, tot.net+r.Net()
		if b.Len() > 1<<20 {
			if _, err := io.WriteString(w, b.String()); err != nil {
				return fmt.Errorf("settlement: write acquirer bill: %w", err)
			}
			b.Reset()
		}
	}
	fmt.Fprintf(&b, "#合计：%d笔，交易金额%v元，手续费%v元，清算金额%v元\n", tot.n, tot.amount, tot.fee, tot.net)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("settlement: write acquirer bill: %w", err)
	}
	return nil
}

func acquirerType(k Kind) string {
	for name, kind := range acquirerKinds {
		if kind == k {
			return name
		}
	}
	return ""
}

func acquirerWallet(p pos.Provider) string {
	for name, prov := range acquirerWallets {
		if prov == p {
			return name
		}
	}
	return strings.ToUpper(string(p))
}
