package alipay

import (
	"context"
	"fmt"

	"zhanggui/pos"
)

// refundBiz is the biz_content of alipay.trade.refund.
type refundBiz struct {
	OutTradeNo   string `json:"out_trade_no"`
	RefundAmount string `json:"refund_amount"`
	OutRequestNo string `json:"out_request_no"`
	RefundReason string `json:"refund_reason,omitempty"`
}

// refundQueryBiz is the biz_content of alipay.trade.fastpay.refund.query.
type refundQueryBiz struct {
	OutTradeNo   string `json:"out_trade_no"`
	OutRequestNo string `json:"out_request_no"`
}

// Refund returns r.Amount of a paid trade (alipay.trade.refund). The
// OutRefundNo goes out as out_request_no, always, even for a full refund:
// it is the idempotency key, so a retry with the same number never refunds
// twice (Alipay answers 10000 again, fund_change=N). Success means refunded;
// Failed is a definite refusal (more than the refundable rest, closed,
// past the window); NotFound means no such trade.
func (c *Client) Refund(ctx context.Context, r pos.RefundRequest) (pos.ProviderResult, error) {
	amt, err := yuanString(r.Amount)
	if err != nil {
		return invalid("refund", r.OutTradeNo, err)
	}
	if r.OutRefundNo == "" {
		return pos.ProviderResult{Status: pos.StatusFailed, Reason: "缺少退款单号"},
			pos.Errorf(pos.CodeInternal, "alipay: refund %s: no out_refund_no", r.OutTradeNo)
	}
	n, err := c.call(ctx, "alipay.trade.refund", refundBiz{OutTradeNo: r.OutTradeNo, RefundAmount: amt,
		OutRequestNo: r.OutRefundNo, RefundReason: subject(r.Reason)})
	switch {
	case err != nil:
		return unknown("refund", r.OutTradeNo, n, err)
	case n.Code == "10000":
		return pos.ProviderResult{Status: pos.StatusSuccess, TradeNo: n.TradeNo, Buyer: maskBuyer(n.BuyerLogonID),
			Amount: r.Amount, Code: n.Code + " fund_change=" + n.FundChange, Reason: reasonRefunded}, nil
	case untrusted(n):
		return unknown("refund", r.OutTradeNo, n, fmt.Errorf("%w: %s %s", ErrSystemError, n.codes(), n.SubMsg))
	}
	if a, ok := refundAnswers[n.SubCode]; ok {
		return pos.ProviderResult{Status: a.status, Code: n.codes(), Reason: a.reason}, nil
	}
	reason := "支付宝拒绝退款（" + n.SubMsg + "）"
	if configError(n) {
		reason = reasonConfig + "（" + n.SubMsg + "）"
	}
	return pos.ProviderResult{Status: pos.StatusFailed, Code: n.codes(), Reason: reason}, nil
}

// RefundQuery reads one refund (alipay.trade.fastpay.refund.query):
// Success with the refund's Amount when refund_status is REFUND_SUCCESS;
// NotFound when Alipay has no such refund (no refund_status: "not received
// or failed") or no such trade.
func (c *Client) RefundQuery(ctx context.Context, outTradeNo, outRefundNo string) (pos.ProviderResult, error) {
	n, err := c.call(ctx, "alipay.trade.fastpay.refund.query",
		refundQueryBiz{OutTradeNo: outTradeNo, OutRequestNo: outRefundNo})
	switch {
	case err != nil:
		return unknown("refund query", outTradeNo, n, err)
	case n.Code == "10000" && n.RefundStatus == "REFUND_SUCCESS":
		amt, err := parseYuan(n.RefundAmount)
		if err != nil {
			return unknown("refund query", outTradeNo, n, err)
		}
		return pos.ProviderResult{Status: pos.StatusSuccess, TradeNo: n.TradeNo, Amount: amt,
			Code: n.RefundStatus, Reason: reasonRefunded}, nil
	case n.Code == "10000" && n.RefundStatus == "":
		return pos.ProviderResult{Status: pos.StatusNotFound, TradeNo: n.TradeNo, Code: n.Code, Reason: reasonNoRefund}, nil
	case n.Code == "10000":
		return unknown("refund query", outTradeNo, n, fmt.Errorf("%w: refund_status %q", ErrUnexpected, n.RefundStatus))
	case n.SubCode == "ACQ.TRADE_NOT_EXIST":
		return pos.ProviderResult{Status: pos.StatusNotFound, Code: n.codes(), Reason: reasonNotFound}, nil
	}
	return notAnswered("refund query", outTradeNo, n)
}
