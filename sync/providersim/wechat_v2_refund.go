package providersim

import (
	"fmt"
	"io"
	"net/http"
	"strconv"

	"zhanggui/pos/money"
)

// v2 reverse, refund, refundquery and downloadbill.

// wechatMaxRefunds is WeChat's limit of partial refunds per order.
const wechatMaxRefunds = 50

// v2Reverse is /secapi/pay/reverse: close an unpaid code payment, or
// return the money of a paid one, within Windows.WeChatReverse.
func (s *Sim) v2Reverse(p map[string]string) (map[string]string, delivery) {
	if p["out_trade_no"] == "" && p["transaction_id"] == "" {
		return v2Fail("LACK_PARAMS", "缺少参数out_trade_no或transaction_id"), delivery{}
	}
	early, d, sys := s.v2Scripted(p)
	if early != nil {
		early["recall"] = "Y"
		return early, d
	}
	t := s.v2Find(p, false)
	if t == nil {
		return v2Fail("ORDERNOTEXIST", "订单不存在"), d
	}
	if t.kind != kindCode {
		return v2Fail("INVALID_REQUEST", "只能撤销付款码支付的订单，其他订单请关单"), d
	}
	_, f := s.reverseLocked(t, s.cfg.Windows.WeChatReverse)
	var out map[string]string
	switch {
	case sys:
		out = v2Fail("SYSTEMERROR", "系统错误")
		out["recall"] = "Y"
		return out, d
	case f == fWindow:
		out = v2Fail("REVERSE_EXPIRE", "订单已经超过撤销时间")
	case f != fNone:
		out = v2Fail("TRADE_ERROR", "订单已发生退款，不能撤销")
	default:
		out = map[string]string{"result_code": "SUCCESS"}
	}
	out["recall"] = "N"
	return out, d
}

// v2Refund is /secapi/pay/refund, idempotent on out_refund_no.
func (s *Sim) v2Refund(p map[string]string) (map[string]string, delivery) {
	if p["out_trade_no"] == "" && p["transaction_id"] == "" {
		return v2Fail("LACK_PARAMS", "缺少参数out_trade_no或transaction_id"), delivery{}
	}
	total, okTotal := parseFen(p["total_fee"])
	amount, okAmount := parseFen(p["refund_fee"])
	switch {
	case p["out_refund_no"] == "" || len(p["out_refund_no"]) > 64:
		return v2Fail("PARAM_ERROR", "out_refund_no 参数错误"), delivery{}
	case !okTotal || !okAmount:
		return v2Fail("PARAM_ERROR", "total_fee、refund_fee 须为正整数（分）"), delivery{}
	}
	early, d, sys := s.v2Scripted(p)
	if early != nil {
		return early, d
	}
	t := s.v2Find(p, false)
	if t == nil {
		return v2Fail("ORDERNOTEXIST", "订单号不存在"), d
	}
	if total != t.amount {
		return v2Fail("PARAM_ERROR", "订单金额或退款金额与之前请求不一致，请核实后再试"), d
	}
	r, _, f := s.refundLocked(t, s.wechatRefundReq(p["out_refund_no"], amount, p["refund_desc"]))
	switch {
	case sys:
		return v2Fail("SYSTEMERROR", "系统超时，请使用相同参数再次调用"), d
	case f == fWindow:
		return v2Fail("TRADE_OVERDUE", "订单已经超过退款期限"), d
	case f == fRefundGap:
		return v2Fail("FREQUENCY_LIMITED", "同一笔订单的退款请求须间隔1分钟"), d
	case f != fNone:
		return v2Fail("ERROR", wechatRefundReason(f)), d
	}
	return map[string]string{"result_code": "SUCCESS", "transaction_id": t.tradeNo, "out_trade_no": t.outTradeNo,
		"out_refund_no": r.outRefundNo, "refund_id": r.refundNo, "refund_fee": fenStr(int64(r.amount)),
		"settlement_refund_fee": fenStr(int64(r.amount)), "total_fee": fenStr(int64(t.amount)),
		"cash_fee": fenStr(int64(t.amount)), "cash_refund_fee": fenStr(int64(r.amount)),
		"coupon_refund_fee": "0", "refund_channel": ""}, d
}

func fenStr(n int64) string { return strconv.FormatInt(n, 10) }

// wechatRefundReq is a WeChat refund with its rules: 1 year, 50 refunds,
// one minute apart, out_refund_no unique per merchant.
func (s *Sim) wechatRefundReq(no string, amount money.Fen, reason string) refundReq {
	return refundReq{outRefundNo: no, amount: amount, reason: reason, window: s.cfg.Windows.WeChatRefund,
		maxCount: wechatMaxRefunds, gap: s.cfg.Windows.WeChatRefundGap, global: true}
}

// wechatRefundReason explains a refused refund (err_code ERROR).
func wechatRefundReason(f failure) string {
	switch f {
	case fBadState:
		return "订单未支付，不能退款"
	case fOrderReversed:
		return "订单已撤销"
	case fFullyRefunded:
		return "订单已全额退款"
	case fRefundExceeds:
		return "累计退款金额大于支付金额"
	case fRefundDiscordant:
		return "订单金额或退款金额与之前请求不一致，请核实后再试"
	case fRefundLimit:
		return fmt.Sprintf("退款次数超过限制（%d次）", wechatMaxRefunds)
	}
	return "退款金额参数错误"
}

// v2RefundQuery is /pay/refundquery, by refund or by order.
func (s *Sim) v2RefundQuery(p map[string]string) (map[string]string, delivery) {
	var t *trade
	var refunds []*refund
	if no := p["out_refund_no"]; no != "" {
		if r := s.refunds[refundKey{"wechat", no}]; r != nil {
			t, refunds = r.t, []*refund{r}
		}
	} else if id := p["refund_id"]; id != "" {
		for _, r := range s.refunds {
			if r.refundNo == id && r.t.provider == WeChat {
				t, refunds = r.t, []*refund{r}
			}
		}
	} else if t = s.v2Find(p, false); t != nil {
		refunds = t.refunds
	}
	if len(refunds) == 0 {
		return v2Fail("REFUNDNOTEXIST", "退款订单查询失败"), delivery{}
	}
	out := map[string]string{"result_code": "SUCCESS", "transaction_id": t.tradeNo, "out_trade_no": t.outTradeNo,
		"total_fee": fenStr(int64(t.amount)), "cash_fee": fenStr(int64(t.amount)),
		"refund_count": strconv.Itoa(len(refunds))}
	for i, r := range refunds {
		n := strconv.Itoa(i)
		out["out_refund_no_"+n], out["refund_id_"+n] = r.outRefundNo, r.refundNo
		out["refund_fee_"+n], out["refund_status_"+n] = fenStr(int64(r.amount)), "SUCCESS"
		out["refund_success_time_"+n] = r.at.In(beijing).Format(alipayTimeLayout)
		out["refund_recv_accout_"+n] = "支付用户的零钱"
		out["refund_channel_"+n], out["refund_account_"+n] = "ORIGINAL", "REFUND_SOURCE_UNSETTLED_FUNDS"
	}
	return out, delivery{}
}

// handleV2DownloadBill is /pay/downloadbill: the bill text itself (gzip
// if asked), or a FAIL XML message.
func (s *Sim) handleV2DownloadBill(w http.ResponseWriter, r *http.Request) {
	p, msg := s.v2Check(r, false)
	if msg != "" {
		writeV2(w, map[string]string{"return_code": "FAIL", "return_msg": msg})
		return
	}
	s.mu.Lock()
	text, gz, msg := s.wechatBill(p["bill_date"], "20060102", p["bill_type"], p["tar_type"])
	s.mu.Unlock()
	if msg != "" {
		writeV2(w, map[string]string{"return_code": "FAIL", "return_msg": msg, "error_code": "20002"})
		return
	}
	if gz != nil {
		w.Header().Set("Content-Type", "application/x-gzip")
		_, _ = w.Write(gz) // the client's problem if it went away
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, text) // the client's problem if it went away
}
