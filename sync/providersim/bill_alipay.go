package providersim

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"

	"zhanggui/pos/money"
)

// The Alipay trade bill (PROTOCOLS.md §1.8): a zip holding two GBK CSV
// files whose entry names are GBK too, without the zip UTF-8 flag.

const alipayBillRule = "-----------------------------------------"

// alipayDetailHeader is the 25-column detail header; the parentheses are
// full-width.
var alipayDetailHeader = []string{"支付宝交易号", "商户订单号", "业务类型", "商品名称", "创建时间", "完成时间",
	"门店编号", "门店名称", "操作员", "终端号", "对方账户", "订单金额（元）", "商家实收（元）", "支付宝红包（元）",
	"集分宝（元）", "支付宝优惠（元）", "商家优惠（元）", "券核销金额（元）", "券名称", "商家红包消费金额（元）",
	"卡消费金额（元）", "退款批次号/请求号", "服务费（元）", "分润（元）", "备注"}

var alipaySummaryHeader = []string{"门店编号", "门店名称", "交易订单总笔数", "退款订单总笔数", "订单金额（元）",
	"商家实收（元）", "支付宝优惠（元）", "商家优惠（元）", "卡消费金额（元）", "服务费（元）", "分润（元）", "实收净额（元）"}

// alipayBillURL is alipay.data.dataservice.bill.downloadurl.query.
func (s *Sim) alipayBillURL(biz *alipayBiz) (obj, delivery) {
	if biz.BillType != "trade" {
		return alipayFail("isp.bill_not_exist", "账单不存在：模拟器只提供 trade 业务账单"), delivery{}
	}
	per, ok := s.parseBillDate(biz.BillDate)
	if !ok {
		return alipayFail("isp.bill_not_exist", "账单不存在：日期须在 2016 年以后且不晚于前一天"), delivery{}
	}
	account := s.creds.Alipay.SellerID + "0156"
	dates := per.from.Format("20060102")
	if per.monthly {
		dates = per.from.Format("200601")
	}
	data, err := s.alipayBillZip(account, dates, per)
	if err != nil {
		return alipayErr("20000", "Service Currently Unavailable", "isp.unknow-error", err.Error()), delivery{}
	}
	name := account + "_" + dates + ".csv.zip"
	tok := s.putBill(&billFile{data: data, contentType: "application/zip", name: name,
		expires: s.now().Add(s.cfg.Windows.AlipayBillURL), once: true})
	q := url.Values{"bizType": {"trade"}, "userId": {s.creds.Alipay.SellerID}, "fileType": {"csv.zip"},
		"bizDates": {dates}, "downloadFileName": {name}, "fileId": {tok}}
	return alipaySuccess(field{"bill_download_url", "http://" + biz.host + "/alipay/bill/download?" + q.Encode()}), delivery{}
}

// alipayBillZip builds the zip. Callers hold s.mu.
func (s *Sim) alipayBillZip(account, dates string, per period) ([]byte, error) {
	detail, summary := s.alipayBillCSV(account, per)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct{ name, text string }{
		{account + "_" + dates + "_业务明细.csv", detail},
		{account + "_" + dates + "_业务明细(汇总).csv", summary},
	} {
		name, err := toGBK(f.name)
		if err != nil {
			return nil, err
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, NonUTF8: true, Method: zip.Deflate, Modified: s.now()})
		if err != nil {
			return nil, fmt.Errorf("providersim: zip bill: %w", err)
		}
		text, err := toGBK(f.text)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(text)); err != nil {
			return nil, fmt.Errorf("providersim: zip bill: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("providersim: zip bill: %w", err)
	}
	return buf.Bytes(), nil
}

// toGBK encodes s as GBK; a character GBK lacks becomes its replacement.
func toGBK(s string) (string, error) {
	out, err := encoding.ReplaceUnsupported(simplifiedchinese.GBK.NewEncoder()).String(s)
	if err != nil {
		return "", fmt.Errorf("providersim: GBK: %w", err)
	}
	return out, nil
}

// alipayStoreTotal sums one store's rows for the summary file.
type alipayStoreTotal struct {
	trades, refunds int
	amount, fee     money.Fen // signed: refunds negative, fees negative
}

// alipayBillCSV writes the detail and summary files (UTF-8; the caller
// encodes them).
func (s *Sim) alipayBillCSV(account string, per period) (detail, summary string) {
	const cn = "2006年01月02日 15:04:05"
	head := "#账号：[" + account + "]\n#起始日期：[" + per.from.Format(cn) + "]   终止日期：[" + per.to.Format(cn) + "]\n"
	var d strings.Builder
	d.WriteString("#支付宝业务明细查询\n" + head + "#" + alipayBillRule + "业务明细列表" + alipayBillRule[:40] + "\n")
	d.WriteString(csvLine(alipayDetailHeader...))
	stores := map[string]*alipayStoreTotal{}
	var all alipayStoreTotal
	for _, c := range s.billCharges(Alipay, per) {
		t := s.trades[tradeKey{"alipay", c.OutTradeNo}]
		d.WriteString(s.alipayBillRow(c, t))
		st := stores[t.storeID]
		if st == nil {
			st = &alipayStoreTotal{}
			stores[t.storeID] = st
		}
		for _, tot := range []*alipayStoreTotal{st, &all} {
			if c.Kind == ChargePayment {
				tot.trades++
				tot.amount += c.Amount
				tot.fee -= c.Fee
			} else {
				tot.refunds++
				tot.amount -= c.Amount
				tot.fee += c.Fee
			}
		}
	}
	exported := "#导出时间：[" + s.now().In(beijing).Format(cn) + "]\n"
	d.WriteString("#" + alipayBillRule + "业务明细列表结束" + alipayBillRule[:36] + "\n")
	d.WriteString(s.alipayBillTotals(per) + exported)

	var m strings.Builder
	m.WriteString("#支付宝业务汇总查询\n" + head + "#" + alipayBillRule + "业务汇总列表" + alipayBillRule[:40] + "\n")
	m.WriteString(csvLine(alipaySummaryHeader...))
	ids := make([]string, 0, len(stores))
	for id := range stores {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		m.WriteString(alipaySummaryRow(id+"\t", id+"\t", stores[id]))
	}
	m.WriteString(alipaySummaryRow("合计", "", &all))
	m.WriteString("#" + alipayBillRule + "业务汇总列表结束" + alipayBillRule[:36] + "\n" + exported)
	return d.String(), m.String()
}

func alipaySummaryRow(id, name string, t *alipayStoreTotal) string {
	return csvLine(id, name, fmt.Sprint(t.trades), fmt.Sprint(t.refunds), t.amount.String(), t.amount.String(),
		"0.00", "0.00", "0.00", t.fee.String(), "0.00", (t.amount + t.fee).String())
}

// alipayBillRow is one detail row: a payment, or a refund/cancel with
// negative amounts. Text cells end with a TAB, as Alipay writes them.
func (s *Sim) alipayBillRow(c Charge, t *trade) string {
	const layout = "2006-01-02 15:04:05"
	kind, amount, fee, reqNo := "交易", c.Amount.String(), neg(c.Fee), ""
	if c.Kind != ChargePayment {
		kind, amount, fee, reqNo = "退款", neg(c.Amount), c.Fee.String(), c.OutRefundNo
		if c.Kind == ChargeReversal {
			reqNo = c.OutTradeNo
		}
	}
	who := "*" + s.userLocked(c.UserID).logonID
	return csvLine(c.TradeNo+"\t", c.OutTradeNo+"\t", kind+"\t", t.subject, t.created.In(beijing).Format(layout),
		c.At.In(beijing).Format(layout), t.storeID+"\t", t.storeID+"\t", t.operatorID+"\t", t.terminalID+"\t",
		who+"\t", amount, amount, "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00\t", "0.00", reqNo+"\t",
		fee, "0.00", t.subject)
}

// alipayBillTotals is the two total lines under the detail list.
func (s *Sim) alipayBillTotals(per period) string {
	var n, rn int
	var sum, rsum money.Fen
	for _, c := range s.billCharges(Alipay, per) {
		if c.Kind == ChargePayment {
			n, sum = n+1, sum+c.Amount
		} else {
			rn, rsum = rn+1, rsum+c.Amount
		}
	}
	return fmt.Sprintf("#交易合计：%d笔，商家实收共%s元，商家优惠共0.00元\n#退款合计：%d笔，商家实收退款共%s元，商家优惠退款共0.00元\n",
		n, sum, rn, neg(rsum))
}
