package wechatpay

import (
	"context"
	"fmt"

	"zhanggui/pos"
)

// Refund returns r.Amount of a paid order (/secapi/pay/refund); r.Total is
// the order's amount, which WeChat wants too. The OutRefundNo is the
// idempotency key: a retry with the same number never refunds twice.
// Success means WeChat accepted the refund, which it then carries out on
// its own (RefundQuery follows it; a rare failure there is for a person to
// handle). Failed is a definite refusal (more than the refundable rest,
// past the year), NotFound no such order. WeChat wants a minute between
// two refunds of one order: earlier ones come back Unknown (FREQUENCY_LIMITED),
// to retry later with the same OutRefundNo.
func (c *Client) Refund(ctx context.Context, r pos.RefundRequest) (pos.ProviderResult, error) {
	fee, err1 := fenString(r.Amount)
	total, err2 := fenString(r.Total)
	switch {
	case err1 != nil || err2 != nil || r.Amount > r.Total:
		return invalid("refund", r.OutTradeNo, reasonAmount,
			fmt.Errorf("refund %d of %d fen", int64(r.Amount), int64(r.Total)))
	case r.OutRefundNo == "":
		return invalid("refund", r.OutTradeNo, "缺少退款单号", fmt.Errorf("no out_refund_no"))
	}
	m, err := c.callV2(ctx, "/secapi/pay/refund", map[string]string{"out_trade_no": r.OutTradeNo,
		"out_refund_no": r.OutRefundNo, "total_fee": total, "refund_fee": fee, "refund_fee_type": "CNY",
		"refund_desc": r.Reason})
	switch {
	case err != nil:
		return unknown("refund", r.OutTradeNo, m, err)
	case m["result_code"] == "SUCCESS":
		return refunded("refund", r, m)
	case m["err_code"] == "ERROR":
		// WeChat's catch-all refusal; err_code_des says why in Chinese.
		return pos.ProviderResult{Status: pos.StatusFailed, Code: code(m),
			Reason: "微信拒绝退款：" + m["err_code_des"] + "，请核对后处理"}, nil
	}
	return definite("refund", r.OutTradeNo, m, refundAnswers)
}

// refunded checks an accepted refund against the request.
func refunded(op string, r pos.RefundRequest, m map[string]string) (pos.ProviderResult, error) {
	amt, err := parseFen(m["refund_fee"])
	if err != nil {
		return unknown(op, r.OutTradeNo, m, err)
	}
	if amt != r.Amount || m["out_refund_no"] != r.OutRefundNo {
		return unknown(op, r.OutTradeNo, m, fmt.Errorf("%w: refund %s of %d fen, asked %s of %d",
			ErrUnexpected, m["out_refund_no"], int64(amt), r.OutRefundNo, int64(r.Amount)))
	}
	return pos.ProviderResult{Status: pos.StatusSuccess, TradeNo: m["transaction_id"], Amount: amt,
		Code: "SUCCESS " + m["refund_id"], Reason: reasonAccepted}, nil
}

// RefundQuery reads one refund by its out_refund_no (/pay/refundquery):
// Success (SUCCESS) with the refund's amount, Waiting (PROCESSING), Closed
// (REFUNDCLOSE), Failed (CHANGE: the money could not go back, a person must
// refund the customer another way), NotFound (REFUNDNOTEXIST).
func (c *Client) RefundQuery(ctx context.Context, outTradeNo, outRefundNo string) (pos.ProviderResult, error) {
	m, err := c.callV2(ctx, "/pay/refundquery", map[string]string{"out_trade_no": outTradeNo,
		"out_refund_no": outRefundNo})
	switch {
	case err != nil:
		return unknown("refund query", outTradeNo, m, err)
	case m["result_code"] == "SUCCESS":
		return refundState(outTradeNo, outRefundNo, m)
	case m["err_code"] == "REFUNDNOTEXIST" || m["err_code"] == "ORDERNOTEXIST":
		return pos.ProviderResult{Status: pos.StatusNotFound, Code: code(m), Reason: reasonNoRefund}, nil
	}
	return unknown("refund query", outTradeNo, m, fmt.Errorf("%w: %s %s", ErrUnexpected, code(m), m["err_code_des"]))
}

// refundState finds outRefundNo among the numbered refunds of an answer.
func refundState(outTradeNo, outRefundNo string, m map[string]string) (pos.ProviderResult, error) {
	for i := 0; i < maxFields; i++ {
		n := fmt.Sprint(i)
		no, ok := m["out_refund_no_"+n]
		if !ok {
			break
		}
		if no != outRefundNo {
			continue
		}
		amt, err := parseFen(m["refund_fee_"+n])
		if err != nil {
			return unknown("refund query", outTradeNo, m, err)
		}
		st := m["refund_status_"+n]
		r := pos.ProviderResult{TradeNo: m["transaction_id"], Amount: amt, Code: st}
		switch st {
		case "SUCCESS":
			r.Status, r.Reason = pos.StatusSuccess, reasonRefunded
		case "PROCESSING":
			r.Status, r.Reason = pos.StatusWaiting, reasonRefundIn
		case "REFUNDCLOSE":
			r.Status, r.Reason = pos.StatusClosed, "退款已关闭，款项未退回"
		case "CHANGE":
			r.Status, r.Reason = pos.StatusFailed, "退款异常（顾客账户异常），款项未能原路退回，请联系顾客线下退款"
		default:
			return unknown("refund query", outTradeNo, m, fmt.Errorf("%w: refund_status %q", ErrUnexpected, st))
		}
		return r, nil
	}
	return pos.ProviderResult{Status: pos.StatusNotFound, Code: code(m), Reason: reasonNoRefund}, nil
}
