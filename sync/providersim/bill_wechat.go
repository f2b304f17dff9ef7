package providersim

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"time"

	"zhanggui/pos/money"
)

// The WeChat Pay trade bill (PROTOCOLS.md §2.5): UTF-8 CSV, every detail
// and summary cell prefixed with a backtick, gzip on request. v2
// downloadbill returns it directly; v3 tradebill through a download_url.

var wechatBillHeader = []string{"交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号",
	"用户标识", "交易类型", "交易状态", "付款银行", "货币种类", "应结订单金额", "代金券金额", "微信退款单号", "商户退款单号",
	"退款金额", "充值券退款金额", "退款类型", "退款状态", "商品名称", "商户数据包", "手续费", "费率", "订单金额",
	"申请退款金额", "费率备注"}

var wechatSummaryHeader = []string{"总交易单数", "应结订单总金额", "退款总金额", "充值券退款总金额", "手续费总金额",
	"订单总金额", "申请退款总金额"}

// wechatBillReady is when a day's bill can be fetched: 10:00 the next day.
const wechatBillReady = 10 * time.Hour

// wechatBill builds the bill of one day. date is read with layout
// (yyyyMMdd in v2, yyyy-MM-dd in v3). msg is the reason there is no bill.
// Callers hold s.mu.
func (s *Sim) wechatBill(date, layout, billType, tarType string) (text string, gz []byte, msg string) {
	day, err := time.ParseInLocation(layout, date, beijing)
	if err != nil {
		return "", nil, "invalid bill_date"
	}
	if billType == "" {
		billType = "ALL"
	}
	switch {
	case billType != "ALL" && billType != "SUCCESS" && billType != "REFUND" && billType != "RECHARGE_REFUND":
		return "", nil, "invalid bill_type"
	case tarType != "" && tarType != "GZIP":
		return "", nil, "invalid tar_type"
	case s.now().Before(day.AddDate(0, 0, 1).Add(wechatBillReady)) || s.now().Sub(day) > 92*24*time.Hour:
		return "", nil, "No Bill Exist"
	}
	text, rows := s.wechatBillText(period{from: day, to: day.AddDate(0, 0, 1)}, billType)
	if rows == 0 {
		return "", nil, "No Bill Exist"
	}
	if tarType == "GZIP" {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write([]byte(text)) // writes to a bytes.Buffer cannot fail
		_ = zw.Close()
		gz = buf.Bytes()
	}
	return text, gz, ""
}

// wechatBillTotals sums the bill's rows for its summary line.
type wechatBillTotals struct {
	rows int
	wechatRowAmounts
}

// wechatRowAmounts are a row's money cells; fee is signed (negative when
// given back).
type wechatRowAmounts struct {
	settled, coupon, refund, recharge, fee, ordered, asked money.Fen
}

// wechatBillText writes the bill and returns it with its row count.
func (s *Sim) wechatBillText(per period, billType string) (string, int) {
	var b strings.Builder
	b.WriteString(strings.Join(wechatBillHeader, ",") + "\r\n")
	var tot wechatBillTotals
	for _, c := range s.billCharges(WeChat, per) {
		isPay := c.Kind == ChargePayment
		if billType == "RECHARGE_REFUND" || billType == "SUCCESS" && !isPay || billType == "REFUND" && isPay {
			continue
		}
		t := s.trades[tradeKey{"wechat", c.OutTradeNo}]
		a := s.wechatRowAmounts(c, t)
		b.WriteString(backtickLine(s.wechatBillRow(c, t, &a)))
		tot.rows++
		tot.fee += a.fee
		if isPay {
			tot.settled += a.settled
			tot.ordered += a.ordered
		} else {
			tot.refund += a.refund
			tot.recharge += a.recharge
			tot.asked += a.asked
		}
	}
	b.WriteString(strings.Join(wechatSummaryHeader, ",") + "\r\n")
	b.WriteString(backtickLine([]string{fmt.Sprint(tot.rows), tot.settled.String(), tot.refund.String(),
		tot.recharge.String(), tot.fee.String(), tot.ordered.String(), tot.asked.String()}))
	return b.String(), tot.rows
}

// backtickLine prefixes every cell with a backtick, as WeChat does to keep
// spreadsheets from reformatting numbers.
func backtickLine(cells []string) string {
	for i, c := range cells {
		cells[i] = "`" + strings.ReplaceAll(c, ",", "，")
	}
	return strings.Join(cells, ",") + "\r\n"
}

// wechatRowAmounts returns a charge's money cells: the order's amount
// settled in full, or as a coupon changes it (bill_coupon.go).
func (s *Sim) wechatRowAmounts(c Charge, t *trade) wechatRowAmounts {
	if a, ok := s.couponAmounts(c, t); ok {
		return a
	}
	a := wechatRowAmounts{settled: t.amount, ordered: t.amount, fee: c.Fee}
	if c.Kind != ChargePayment {
		a.refund, a.asked, a.fee = c.Amount, c.Amount, -c.Fee
	}
	return a
}

// wechatBillRow is one row: a payment (SUCCESS), a refund (REFUND, at the
// time it was accepted) or a reversal of a paid order (REVOKED).
func (s *Sim) wechatBillRow(c Charge, t *trade, a *wechatRowAmounts) []string {
	cred := s.creds.WeChat
	state, refundNo, outRefundNo, kind, status := "SUCCESS", "0", "0", "", ""
	switch c.Kind {
	case ChargeRefund:
		state, outRefundNo, kind, status = "REFUND", c.OutRefundNo, "ORIGINAL", "SUCCESS"
		for _, r := range t.refunds {
			if r.outRefundNo == c.OutRefundNo {
				refundNo = r.refundNo
			}
		}
	case ChargeReversal:
		state, kind, status = "REVOKED", "ORIGINAL", "SUCCESS"
	}
	rate := fmt.Sprintf("%d.%02d%%", s.cfg.FeeRateBP/100, s.cfg.FeeRateBP%100)
	return []string{c.At.In(beijing).Format(alipayTimeLayout), cred.AppID, cred.MchID, "0", t.terminalID,
		c.TradeNo, c.OutTradeNo, s.userLocked(c.UserID).openID, v2TradeType(t), state, "OTHERS", "CNY",
		a.settled.String(), a.coupon.String(), refundNo, outRefundNo, a.refund.String(), a.recharge.String(), kind,
		status, t.subject, t.attach, a.fee.String(), rate, a.ordered.String(), a.asked.String(), ""}
}
