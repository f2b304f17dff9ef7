package settlement_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/simplifiedchinese"

	"zhanggui/pos"
	"zhanggui/sync/settlement"
)

// at is a Beijing time on 16 September 2019, the day of Alipay's sample.
func at(hms string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", "2019-09-16 "+hms, settlement.Beijing)
	if err != nil {
		panic(err)
	}
	return t
}

// spot is where a problem must be reported.
type spot struct {
	line   int
	column string
}

type parseCase struct {
	name string
	in   []byte
	want []settlement.Row // nil with bad set: the file is refused
	bad  []spot           // every problem, in order
}

func text(ls ...string) []byte { return []byte(strings.Join(ls, "\n") + "\n") }

const alipayHead = "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户," +
	"订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称," +
	"商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注"

// alipaySample is PROTOCOLS.md §1.8's sample, its totals made to fit.
var alipaySample = text("#支付宝业务明细查询", "#账号：[20880211096256330156]",
	"#起始日期：[2019年09月16日 00:00:00]   终止日期：[2019年09月17日 00:00:00]",
	"#-----------------------------------------业务明细列表----------------------------------------",
	alipayHead,
	"2019091622001458860515315453\t,service_1568601259302\t,交易\t,下单测试,2019-09-16 10:55:16,2019-09-16 10:55:23,alipay_store\t,alipay_store\t,alipay\t,\t,*津水(602***@qq.com)\t,0.01,0.01,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,\t,0.00,0.00,下单测试",
	"2019091622001458860515315453\t,service_1568601259302\t,退款\t,下单测试,2019-09-16 10:55:16,2019-09-16 10:56:48,alipay_store\t,alipay_store\t,alipay\t,\t,*津水(602***@qq.com)\t,-0.01,-0.01,0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,re_test_1568602607356\t,0.00,0.00,下单测试",
	"#-----------------------------------------业务明细列表结束------------------------------------",
	"#交易合计：1笔，商家实收共0.01元，商家优惠共0.00元", "#退款合计：1笔，商家实收退款共-0.01元，商家优惠退款共0.00元",
	"#导出时间：[2019年09月17日 05:46:49]")

var sampleRows = []settlement.Row{
	{Line: 6, Provider: pos.Alipay, Kind: settlement.KindPayment, OutTradeNo: "service_1568601259302",
		TradeNo: "2019091622001458860515315453", Amount: 1, At: at("10:55:23")},
	{Line: 7, Provider: pos.Alipay, Kind: settlement.KindRefund, OutTradeNo: "service_1568601259302",
		TradeNo: "2019091622001458860515315453", OutRefundNo: "re_test_1568602607356", Amount: 1, At: at("10:56:48")},
}

const alipaySumHead = "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）," +
	"商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）"

// alipaySummary is a summary file with the given rows between its markers.
func alipaySummary(rows ...string) []byte {
	return text(append(append([]string{"#支付宝业务汇总查询", "#账号：[20880211096256330156]",
		"#-----------------------------------------业务汇总列表----------------------------------------", alipaySumHead},
		rows...), "#-----------------------------------------业务汇总列表结束------------------------------------")...)
}

// sampleSummary fits alipaySample: one store, a payment and its refund.
var sampleSummary = alipaySummary("alipay_store\t,alipay_store\t,1,1,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00",
	"合计,,1,1,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00")

// alipayZip packs detail text the way Alipay does: GBK names without the
// UTF-8 flag, GBK content, the summary entry beside it.
func alipayZip(detail, summary []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	enc := simplifiedchinese.GBK.NewEncoder()
	for _, f := range []struct{ name, body string }{
		{"20880211096256330156_20190916_业务明细(汇总).csv", string(summary)},
		{"20880211096256330156_20190916_业务明细.csv", string(detail)},
	} {
		name, _ := enc.String(f.name)
		body, _ := enc.String(f.body)
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: name, NonUTF8: true, Method: zip.Deflate})
		_, _ = w.Write([]byte(body))
	}
	_ = zw.Close()
	return buf.Bytes()
}

// newer is a later bill generation: half-width parentheses, columns
// reordered and added (实收净额, 商户识别号, 交易方式, 花呗分期数), a
// merchant discount (商家实收 below 订单金额) and a cancelled trade.
var alipayNewer = text(
	"商户订单号,支付宝交易号,业务类型,完成时间,创建时间,订单金额(元),商家实收(元),商家优惠(元),服务费(元),退款批次号/请求号,实收净额(元),商户识别号,交易方式,花呗分期数",
	"A1,2019091622001,交易,2019-09-16 11:00:00,2019-09-16 10:59:59,10.00,9.00,1.00,-0.06,,8.94,M1,当面付,0",
	"A2,2019091622002,交易,2019-09-16 12:00:00,2019-09-16 12:00:00,5.00,5.00,0.00,-0.03,,4.97,M1,当面付,0",
	"A2,2019091622002,退款,2019-09-16 12:01:00,2019-09-16 12:00:00,-5.00,-5.00,0.00,0.03,A2,-4.97,M1,当面付,0",
	"#交易合计：2笔，商家实收共14.00元，商家优惠共1.00元",
	"#退款合计：1笔，商家实收退款共-5.00元，商家优惠退款共0.00元")

var alipayCases = []parseCase{
	{name: "PROTOCOLS.md sample", in: alipaySample, want: sampleRows},
	{name: "GBK zip", in: alipayZip(alipaySample, sampleSummary), want: sampleRows},
	{name: "zip: summary disagrees with the detail", in: alipayZip(alipaySample, alipaySummary(
		"alipay_store\t,alipay_store\t,2,1,0.01,0.00,0.00,0.00,0.00,0.00,0.00,0.00", // a trade and 0.01 more than the detail
		"other,other,0,0,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00",                   // a store the detail lacks, with nothing
		"合计,,1,1,0.00,0.10,0.00,0.00,0.00,-0.01,0.00,9.99")),                        // 商家实收, 服务费 off; 实收净额 not in the detail
		bad: []spot{{5, "汇总 交易订单总笔数"}, {5, "汇总 订单金额（元）"}, {7, "汇总 商家实收（元）"}, {7, "汇总 服务费（元）"}}},
	{name: "zip: a store missing from the summary", in: alipayZip(alipaySample, alipaySummary(
		"合计,,1,1,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00", "shop2,shop2,0,0,0.00,0.00,0.00,0.00,0.00,0.00,0.00,0.00")),
		bad: []spot{{4, "汇总"}}},
	{name: "zip: a detail without stores, checked by its 合计 row", in: alipayZip(alipayNewer, alipaySummary(
		"M1,一号店,2,1,10.00,9.00,0.00,1.00,0.00,-0.06,0.00,8.94", // its store's figures: the detail cannot say
		"合计,,2,1,10.00,9.00,0.00,1.00,0.00,-0.06,0.00,8.94")),
		want: []settlement.Row{
			{Line: 2, Provider: pos.Alipay, Kind: settlement.KindPayment, OutTradeNo: "A1", TradeNo: "2019091622001", Amount: 1000, Fee: 6, At: at("11:00:00")},
			{Line: 3, Provider: pos.Alipay, Kind: settlement.KindPayment, OutTradeNo: "A2", TradeNo: "2019091622002", Amount: 500, Fee: 3, At: at("12:00:00")},
			{Line: 4, Provider: pos.Alipay, Kind: settlement.KindReversal, OutTradeNo: "A2", TradeNo: "2019091622002", Amount: 500, Fee: -3, At: at("12:01:00")},
		}},
	{name: "zip: a summary without its header", in: alipayZip(alipaySample, []byte("#支付宝业务汇总查询\n")),
		bad: []spot{{0, ""}}},
	{name: "UTF-8 BOM, no markers", in: append([]byte("\ufeff"), text(alipayHead,
		"2019091622001458860515315453\t,service_1568601259302\t,交易\t,下单测试,2019-09-16 10:55:16,2019-09-16 10:55:23,,,,,,0.01,0.01,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,0.00,0.00,")...),
		want: []settlement.Row{{Line: 2, Provider: pos.Alipay, Kind: settlement.KindPayment,
			OutTradeNo: "service_1568601259302", TradeNo: "2019091622001458860515315453", Amount: 1, At: at("10:55:23")}}},
	{name: "newer generation", in: alipayNewer, want: []settlement.Row{
		{Line: 2, Provider: pos.Alipay, Kind: settlement.KindPayment, OutTradeNo: "A1", TradeNo: "2019091622001", Amount: 1000, Fee: 6, At: at("11:00:00")},
		{Line: 3, Provider: pos.Alipay, Kind: settlement.KindPayment, OutTradeNo: "A2", TradeNo: "2019091622002", Amount: 500, Fee: 3, At: at("12:00:00")},
		{Line: 4, Provider: pos.Alipay, Kind: settlement.KindReversal, OutTradeNo: "A2", TradeNo: "2019091622002", Amount: 500, Fee: -3, At: at("12:01:00")},
	}},
	{name: "every bad line", in: text(
		"商户订单号,支付宝交易号,业务类型,完成时间,订单金额（元）,服务费（元）,退款批次号/请求号",
		"A1,T1,交易,2019-09-16 11:00:00,10.001,-0.06,", // a third decimal
		"A2,T2,冻结,2019-09-16 11:00:00,10.00,-0.06,",  // a business type we cannot book
		"A3,T3,交易,2019/09/16 11:00,10.00,-0.06,",     // time layout
		"A4,T4,交易,2019-09-16 11:00:00,-1.00,-0.06,",  // a negative payment
		`A5,T5,交易,"2019-09-16 11:00:00,10.00,-0.06,`, // unclosed quote
		",T6,交易,2019-09-16 11:00:00,1e3,x,"),         // empty order number, exponent, fee
		bad: []spot{{2, "订单金额（元）"}, {3, "业务类型"}, {4, "完成时间"}, {5, "订单金额（元）"}, {6, ""},
			{7, "商户订单号"}, {7, "订单金额（元）"}, {7, "服务费（元）"}}},
	{name: "a column missing", in: text("商户订单号,支付宝交易号,业务类型,完成时间,订单金额（元）,退款批次号/请求号",
		"A1,T1,交易,2019-09-16 11:00:00,10.00,"), bad: []spot{{1, ""}}},
	{name: "totals disagree: truncated", in: text(alipayHead,
		"T1,A1,交易,x,2019-09-16 10:55:16,2019-09-16 10:55:23,,,,,,0.01,0.01,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,0.00,0.00,",
		"#交易合计：2笔，商家实收共0.02元，商家优惠共0.00元"), bad: []spot{{3, ""}}},
	{name: "totals disagree: amount", in: text(alipayHead,
		"T1,A1,交易,x,2019-09-16 10:55:16,2019-09-16 10:55:23,,,,,,0.01,0.01,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,0.00,0.00,",
		"#交易合计：1笔，商家实收共0.02元，商家优惠共0.00元"), bad: []spot{{3, ""}}},
	{name: "not a bill", in: []byte("hello, world\n"), bad: []spot{{0, ""}}},
	{name: "zip without the detail", in: func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, _ := zw.Create("readme.txt")
		_, _ = w.Write([]byte("x"))
		_ = zw.Close()
		return buf.Bytes()
	}(), bad: []spot{{0, ""}}},
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

const wechatHead = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类," +
	"应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"

var wechatSample = text(wechatHead,
	"`2019-09-16 10:00:00,`wx1,`1900000109,`0,`POS1,`4200000001,`W1,`oU1,`MICROPAY,`SUCCESS,`OTHERS,`CNY,`10.00,`0.00,`0,`0,`0.00,`0.00,`,`,`可乐，雪碧,`,`0.06,`0.60%,`10.00,`0.00,`",
	"`2019-09-16 10:05:00,`wx1,`1900000109,`0,`POS1,`4200000001,`W1,`oU1,`MICROPAY,`REFUND,`OTHERS,`CNY,`10.00,`0.00,`5000001,`WR1,`3.00,`0.00,`ORIGINAL,`SUCCESS,`可乐,`,`-0.02,`0.60%,`10.00,`3.00,`",
	"`2019-09-16 10:06:00,`wx1,`1900000109,`0,`POS1,`4200000001,`W1,`oU1,`MICROPAY,`REFUND,`OTHERS,`CNY,`10.00,`0.00,`5000002,`WR2,`1.00,`0.00,`ORIGINAL,`FAIL,`可乐,`,`0.00,`0.60%,`10.00,`1.00,`",
	"`2019-09-16 11:00:00,`wx1,`1900000109,`0,`POS1,`4200000002,`W2,`oU1,`MICROPAY,`REVOKED,`OTHERS,`CNY,`5.00,`0.00,`0,`0,`5.00,`0.00,`ORIGINAL,`SUCCESS,`可乐,`,`-0.03,`0.60%,`5.00,`5.00,`",
	"总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额",
	"`4,`10.00,`8.00,`0.00,`0.01,`10.00,`8.00")

var wechatRows = []settlement.Row{
	{Line: 2, Provider: pos.Wechat, Kind: settlement.KindPayment, OutTradeNo: "W1", TradeNo: "4200000001", Amount: 1000, Fee: 6, At: at("10:00:00")},
	{Line: 3, Provider: pos.Wechat, Kind: settlement.KindRefund, OutTradeNo: "W1", TradeNo: "4200000001", OutRefundNo: "WR1", Amount: 300, Fee: -2, At: at("10:05:00")},
	{Line: 5, Provider: pos.Wechat, Kind: settlement.KindReversal, OutTradeNo: "W2", TradeNo: "4200000002", Amount: 500, Fee: -3, At: at("11:00:00")},
}

// wrow is one WeChat detail row of wechatHead: the cells that vary.
func wrow(hms, no, state, settled, coupon, refundNo, refund, recharge, refundState, fee, ordered, asked string) string {
	cells := []string{"2019-09-16 " + hms, "wx1", "1900000109", "0", "POS1", "42" + no, no, "oU1", "MICROPAY", state,
		"OTHERS", "CNY", settled, coupon, "0", refundNo, refund, recharge, "", refundState, "可乐", "", fee, "0.60%",
		ordered, asked, ""}
	return "`" + strings.Join(cells, ",`")
}

const wechatSumHead = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"

// wechatCoupons has a 免充值券 order (C1: 应结 8.00 of 10.00, 2.00 of
// coupon) refunded in part, and a 充值券 order (C2: settled in full, 3.00
// of coupon) refunded in part with some of its coupon.
var wechatCoupons = text(wechatHead,
	wrow("10:00:00", "C1", "SUCCESS", "8.00", "2.00", "0", "0.00", "0.00", "", "0.05", "10.00", "0.00"),
	wrow("10:10:00", "C2", "SUCCESS", "10.00", "3.00", "0", "0.00", "0.00", "", "0.06", "10.00", "0.00"),
	wrow("10:20:00", "C1", "REFUND", "8.00", "2.00", "WR1", "4.00", "0.00", "SUCCESS", "-0.02", "10.00", "5.00"),
	wrow("10:30:00", "C2", "REFUND", "10.00", "3.00", "WR2", "5.00", "1.50", "SUCCESS", "-0.03", "10.00", "5.00"),
	wechatSumHead, "`4,`18.00,`9.00,`1.50,`0.06,`20.00,`10.00")

var wechatCouponRows = []settlement.Row{
	{Line: 2, Provider: pos.Wechat, Kind: settlement.KindPayment, OutTradeNo: "C1", TradeNo: "42C1", Amount: 1000, Fee: 5,
		Coupon: 200, Unsettled: 200, At: at("10:00:00")},
	{Line: 3, Provider: pos.Wechat, Kind: settlement.KindPayment, OutTradeNo: "C2", TradeNo: "42C2", Amount: 1000, Fee: 6,
		Coupon: 300, At: at("10:10:00")},
	{Line: 4, Provider: pos.Wechat, Kind: settlement.KindRefund, OutTradeNo: "C1", TradeNo: "42C1", OutRefundNo: "WR1",
		Amount: 500, Fee: -2, Coupon: 100, Unsettled: 100, At: at("10:20:00")},
	{Line: 5, Provider: pos.Wechat, Kind: settlement.KindRefund, OutTradeNo: "C2", TradeNo: "42C2", OutRefundNo: "WR2",
		Amount: 500, Fee: -3, Coupon: 150, At: at("10:30:00")},
}

// summaryOff returns a case whose summary total in column col (0-based)
// is changed to v: the problem is reported on that column.
func summaryOff(col int, v string) parseCase {
	ls := strings.Split(strings.TrimSuffix(string(wechatCoupons), "\n"), "\n")
	last := strings.Split(ls[len(ls)-1], ",")
	last[col] = "`" + v
	ls[len(ls)-1] = strings.Join(last, ",")
	name := strings.Split(wechatSumHead, ",")[col]
	return parseCase{name: "summary off: " + name, in: text(ls...), bad: []spot{{7, name}}}
}

var wechatCases = []parseCase{
	{name: "ALL with a failed refund and a reversal", in: wechatSample, want: wechatRows},
	{name: "gzip, CRLF, BOM", in: gz(append([]byte("\ufeff"), bytes.ReplaceAll(wechatSample, []byte("\n"), []byte("\r\n"))...)), want: wechatRows},
	{name: "summary count off", in: bytes.Replace(wechatSample, []byte("`4,`10.00"), []byte("`5,`10.00"), 1), bad: []spot{{7, "总交易单数"}}},
	{name: "summary fees off", in: bytes.Replace(wechatSample, []byte("`0.01,`10.00,`8.00\n"), []byte("`0.02,`10.00,`8.00\n"), 1), bad: []spot{{7, "手续费总金额"}}},
	{name: "no summary", in: text(wechatHead,
		"`2019-09-16 10:00:00,`wx1,`1,`0,`,`42,`W1,`o,`MICROPAY,`SUCCESS,`OTHERS,`CNY,`10.00,`0.00,`0,`0,`0.00,`0.00,`,`,`x,`,`0.06,`0.60%,`10.00,`0.00,`"),
		bad: []spot{{2, ""}}},
	{name: "bad cells", in: text(wechatHead,
		"`2019-09-16 10:00:00,`wx1,`1,`0,`,`42,`W1,`o,`MICROPAY,`NOTPAY,`OTHERS,`CNY,`10.00,`0.00,`0,`0,`0.00,`0.00,`,`,`x,`,`0.06,`0.60%,`10.00,`0.00,`",
		"`2019-09-16 10:00:00,`wx1,`1,`0,`,`43,`W2,`o,`MICROPAY,`SUCCESS,`OTHERS,`CNY,`10.00,`0.00,`0,`0,`0.00,`0.00,`,`,`x,`,`0.0６,`0.60%,`10.00,`0.00,`",
		"总交易单数,手续费总金额", "`2,`0.06"),
		bad: []spot{{2, "交易状态"}, {3, "手续费"}}},
	{name: "coupons: 免充值券 and 充值券, paid and refunded", in: wechatCoupons, want: wechatCouponRows},
	{name: "every money cell is read", in: text(wechatHead,
		wrow("10:00:00", "B1", "SUCCESS", "10x4.00", "0.00", "0", "0.00", "0.00", "", "0.06", "10.00", "0.00"),
		wrow("10:00:01", "B2", "SUCCESS", "10.00", "0.0.0", "0", "0.00", "0.00", "", "0.06", "10.00", "0.00"),
		wrow("10:00:02", "B3", "SUCCESS", "10.00", "0.00", "0", "1e2", "0.00", "", "0.06", "10.00", "0.00"),
		wrow("10:00:03", "B4", "SUCCESS", "10.00", "0.00", "0", "0.00", "x", "", "0.06", "10.00", "0.00"),
		wrow("10:00:04", "B5", "SUCCESS", "10.00", "0.00", "0", "0.00", "0.00", "", "0.06", "10.001", "0.00"),
		wrow("10:00:05", "B6", "SUCCESS", "10.00", "0.00", "0", "0.00", "0.00", "", "0.06", "10.00", "五"),
		wechatSumHead, "`6,`60.00,`0.00,`0.00,`0.36,`60.00,`0.00"),
		bad: []spot{{2, "应结订单金额"}, {3, "代金券金额"}, {4, "退款金额"}, {5, "充值券退款金额"}, {6, "订单金额"},
			{7, "申请退款金额"}, {9, "应结订单总金额"}, {9, "订单总金额"}}},
	{name: "amounts that do not fit together", in: text(wechatHead,
		wrow("10:00:00", "D1", "SUCCESS", "8.00", "0.00", "0", "0.00", "0.00", "", "0.05", "10.00", "0.00"),  // no coupon explains 2.00
		wrow("10:00:01", "D2", "SUCCESS", "12.00", "0.00", "0", "0.00", "0.00", "", "0.07", "10.00", "0.00"), // settled more than ordered
		wrow("10:00:02", "D3", "SUCCESS", "10.00", "11.00", "0", "0.00", "0.00", "", "0.06", "10.00", "0.00"),
		wrow("10:00:03", "D3", "REFUND", "10.00", "0.00", "DR3", "6.00", "0.00", "SUCCESS", "-0.03", "10.00", "5.00"),
		wrow("10:00:04", "D3", "REFUND", "10.00", "0.00", "DR4", "1.00", "2.00", "SUCCESS", "-0.01", "10.00", "1.00"),
		wechatSumHead, "`5,`30.00,`7.00,`2.00,`0.14,`30.00,`6.00"),
		bad: []spot{{2, "应结订单金额"}, {3, "应结订单金额"}, {4, "代金券金额"}, {5, "退款金额"}, {6, "充值券退款金额"}}},
	summaryOff(1, "18.01"), summaryOff(2, "9.10"), summaryOff(3, "0.00"), summaryOff(4, "0.07"), summaryOff(5, "19.00"),
	summaryOff(6, "x"),
	{name: "not a WeChat bill", in: alipaySample, bad: []spot{{0, ""}}},
}

var acquirerSample = text("#收单机构交易明细对账单", "#商户号：[898000000005411]",
	"#起始日期：[2019年09月16日 00:00:00]   终止日期：[2019年09月17日 00:00:00]",
	"交易时间,交易类型,钱包,商户订单号,退款单号,收单流水号,交易金额(元),手续费(元),清算金额(元)",
	"2019-09-16 10:00:01,消费,UNIONPAY,Q1,,201909161000011,12.00,0.07,11.93",
	"2019-09-16 11:00:00,退货,UNIONPAY,Q1,QR1,201909161000011,-2.00,-0.01,-1.99",
	"2019-09-16 12:00:00,消费,ECNY,Q2,,201909161200001,1.00,0.01,0.99",
	"2019-09-16 12:00:30,撤销,ECNY,Q2,,201909161200001,-1.00,-0.01,-0.99",
	"2019-09-16 13:00:00,消费,card,Q3,,201909161300001,0.50,0.00,0.50",
	"#合计：5笔，交易金额10.50元，手续费0.06元，清算金额10.44元")

var acquirerCases = []parseCase{
	{name: "every kind and wallet", in: acquirerSample, want: []settlement.Row{
		{Line: 5, Provider: pos.UnionPay, Kind: settlement.KindPayment, OutTradeNo: "Q1", TradeNo: "201909161000011", Amount: 1200, Fee: 7, At: at("10:00:01")},
		{Line: 6, Provider: pos.UnionPay, Kind: settlement.KindRefund, OutTradeNo: "Q1", TradeNo: "201909161000011", OutRefundNo: "QR1", Amount: 200, Fee: -1, At: at("11:00:00")},
		{Line: 7, Provider: pos.ECNY, Kind: settlement.KindPayment, OutTradeNo: "Q2", TradeNo: "201909161200001", Amount: 100, Fee: 1, At: at("12:00:00")},
		{Line: 8, Provider: pos.ECNY, Kind: settlement.KindReversal, OutTradeNo: "Q2", TradeNo: "201909161200001", Amount: 100, Fee: -1, At: at("12:00:30")},
		{Line: 9, Provider: settlement.ProviderCard, Kind: settlement.KindPayment, OutTradeNo: "Q3", TradeNo: "201909161300001", Amount: 50, At: at("13:00:00")},
	}},
	{name: "bad rows and totals", in: text("交易时间,交易类型,钱包,商户订单号,退款单号,收单流水号,交易金额(元),手续费(元),清算金额(元)",
		"2019-09-16 10:00:01,消费,UNIONPAY,Q1,,1,12.00,0.07,11.94", // net ≠ amount − fee
		"2019-09-16 10:00:01,退货,UNIONPAY,Q1,R1,1,2.00,0.00,2.00", // a positive refund
		"2019-09-16 10:00:01,消费,ALIPAY,Q1,,1,2.00,0.00,2.00",     // not an acquirer wallet
		"2019-09-16 10:00:01,退货,UNIONPAY,Q1,,1,-2.00,0.00,-2.00", // a refund without its number
		"#合计：1笔，交易金额12.00元"),
		bad: []spot{{2, "清算金额(元)"}, {3, "交易金额(元)"}, {4, "钱包"}, {5, "退款单号"}, {6, ""}}},
	{name: "not an acquirer bill", in: []byte("#only comments\n"), bad: []spot{{0, ""}}},
}

func TestParseAlipay(t *testing.T)   { runParse(t, settlement.ParseAlipay, alipayCases) }
func TestParseWechat(t *testing.T)   { runParse(t, settlement.ParseWechat, wechatCases) }
func TestParseAcquirer(t *testing.T) { runParse(t, settlement.ParseAcquirer, acquirerCases) }

func runParse(t *testing.T, parse func([]byte) (settlement.Bill, error), cases []parseCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			b, err := parse(tt.in)
			if tt.bad == nil {
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, b.Rows); diff != "" {
					t.Errorf("rows (-want +got):\n%s", diff)
				}
				return
			}
			var be *settlement.BillError
			if !errors.As(err, &be) || !errors.Is(err, settlement.ErrBadBill) || pos.ErrorCode(err) != pos.CodeInvalid {
				t.Fatalf("err = %v, want a *BillError (ErrBadBill, CodeInvalid)", err)
			}
			var got []spot
			for _, l := range be.Lines {
				got = append(got, spot{l.Line, l.Column})
			}
			if diff := cmp.Diff(tt.bad, got, cmp.AllowUnexported(spot{})); diff != "" {
				t.Errorf("problems (-want +got):\n%s\nerror: %v", diff, err)
			}
		})
	}
}

func TestLineErrorMessages(t *testing.T) {
	i := slices.IndexFunc(alipayCases, func(c parseCase) bool { return c.name == "every bad line" })
	_, err := settlement.ParseAlipay(alipayCases[i].in)
	var le *settlement.LineError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want a *LineError inside", err)
	}
	if got, want := le.Error(), `line 2, 订单金额（元）: bad amount "10.001"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got, want := le.Message(), `第 2 行「订单金额（元）」：bad amount "10.001"`; got != want {
		t.Errorf("Message() = %q, want %q", got, want)
	}
}

// fuzzSeeds adds the cases' inputs and a kept simulator file (raw, and
// unpacked to text so the fuzzer can work on the lines).
func fuzzSeeds(f *testing.F, cases []parseCase, file string) {
	for _, tt := range cases {
		f.Add(tt.in)
	}
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	if r, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
		for _, zf := range r.File {
			rc, _ := zf.Open()
			var b bytes.Buffer
			_, _ = b.ReadFrom(rc)
			rc.Close()
			s, _ := simplifiedchinese.GBK.NewDecoder().Bytes(b.Bytes())
			f.Add(s)
		}
	}
	if zr, err := gzip.NewReader(bytes.NewReader(data)); err == nil {
		var b bytes.Buffer
		_, _ = b.ReadFrom(zr)
		f.Add(b.Bytes())
	}
}

// checkParse holds for every input: no panic; an error is a *BillError
// whose problems have line numbers within the file; rows are bookable.
func checkParse(t *testing.T, parse func([]byte) (settlement.Bill, error), data []byte) {
	b, err := parse(data)
	if err != nil {
		var be *settlement.BillError
		if !errors.As(err, &be) || len(be.Lines) == 0 {
			t.Fatalf("error %v is not a *BillError with problems", err)
		}
		limit := bytes.Count(data, []byte("\n")) + 1
		for _, l := range be.Lines {
			if l.Line < 0 || (l.Line > limit && data[0] != 'P' && data[0] != 0x1f) {
				t.Fatalf("problem at line %d of a %d-line file: %v", l.Line, limit, l)
			}
		}
		return
	}
	for _, r := range b.Rows {
		if r.Unsettled < 0 || r.Unsettled > r.Coupon || r.Coupon > r.Amount {
			t.Fatalf("row %+v: want 0 ≤ Unsettled ≤ Coupon ≤ Amount", r)
		}
		if r.Amount <= 0 || r.Line <= 0 || r.OutTradeNo == "" || r.At.IsZero() ||
			(r.Kind != settlement.KindPayment && r.Kind != settlement.KindRefund && r.Kind != settlement.KindReversal) ||
			(r.Kind == settlement.KindRefund && r.OutRefundNo == "") {
			t.Fatalf("row %+v cannot be booked", r)
		}
	}
}

func FuzzParseAlipay(f *testing.F) {
	fuzzSeeds(f, alipayCases, "sim_alipay.zip")
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, settlement.ParseAlipay, data) })
}

func FuzzParseWechat(f *testing.F) {
	fuzzSeeds(f, wechatCases, "sim_wechat.csv.gz")
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, settlement.ParseWechat, data) })
}

func FuzzParseAcquirer(f *testing.F) {
	fuzzSeeds(f, acquirerCases, "sim_acquirer.csv")
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, settlement.ParseAcquirer, data) })
}
