package unionpay

import (
	"context"
	"errors"
	"fmt"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// Words for the cashier. Each says what happened and what to do.
const (
	reasonUnknown  = "支付结果未知，正在查询，请勿让顾客重复付款"
	reasonWaiting  = "等待顾客在手机上确认付款（输入密码）"
	reasonClosed   = "交易已关闭，顾客未被扣款"
	reasonReversed = "交易已撤销，如已扣款将原路退回"
	reasonNotFound = "收单机构查无此交易"
	reasonNoRefund = "收单机构查无此退款"
	reasonRefunded = "退款成功，款项原路退回"
	reasonConfig   = "收单机构拒绝请求，请联系管理员检查收款配置"
	reasonAmount   = "金额无效，请核对金额"
)

// result is what a response code means for the till.
type result struct {
	status pos.ProviderStatus
	reason string
}

func failed(reason string) result { return result{pos.StatusFailed, reason} }

// payCodes are the definite refusals of a payment (also as orig_resp_code
// of a FAILED order).
var payCodes = map[string]result{
	"05": failed("交易被拒绝（风控），请顾客更换付款方式"),
	"14": failed("付款码无效，请顾客刷新付款码后重新扫码"),
	"33": failed("付款码已过期，请顾客刷新付款码"),
	"51": failed("余额不足，请顾客更换付款方式"),
	"94": failed("订单号已用于其他内容，请重新发起收款"),
	"12": {pos.StatusClosed, "订单已关闭或已撤销，请重新发起收款"},
	"30": failed(reasonConfig),
	"A0": failed(reasonConfig),
}

// reverseCodes are the definite answers of reverse besides success; none
// but 25 says the order's state, so the caller queries after a Failed one.
var reverseCodes = map[string]result{
	"25": {pos.StatusNotFound, reasonNotFound},
	"R1": failed("已超过撤销期限，请查询订单，已付款的请走退款"),
	"12": failed("订单已有退款，不能撤销，请查询订单后处理"),
}

// refundCodes are the definite answers of refund besides success.
var refundCodes = map[string]result{
	"25": {pos.StatusNotFound, reasonNotFound},
	"61": failed("退款金额超过可退金额，请核对退款金额"),
	"12": failed("订单未付款、已撤销或已全额退款，不能退款"),
	"R1": failed("已超过退款期限，无法原路退款，请线下处理"),
	"94": failed("退款单号已用于不同金额，请重新发起退款"),
	"30": failed(reasonConfig),
	"A0": failed(reasonConfig),
}

// Pay charges a UnionPay or e-CNY payment code (/v1/qr/pay). Success
// means paid; Waiting (PAYING) means the customer must confirm on the
// phone: poll Query. A refusal is Failed with the reason for the cashier.
// Unknown (96, 65, no trustworthy answer) comes with a CodeUnavailable
// error: query, never assume it failed.
func (c *Client) Pay(ctx context.Context, r pos.PayRequest) (pos.ProviderResult, error) {
	fen, err := toFen(r.Amount)
	if err != nil {
		return invalid("pay", r.OutTradeNo, reasonAmount, err)
	}
	a, err := c.call(ctx, "/v1/qr/pay", request{OrderNo: r.OutTradeNo, QRNo: r.AuthCode, AmountFen: fen,
		Subject: r.Subject, StoreID: c.cfg.StoreID})
	if err != nil {
		return unknown("pay", r.OutTradeNo, a, err)
	}
	if a.RespCode == "00" {
		return order("pay", r.OutTradeNo, a)
	}
	return refusal("pay", r.OutTradeNo, a, payCodes)
}

// Query reads an order (/v1/query): Success (SUCCESS, or REFUNDED: paid,
// then refunded in full), Waiting (PAYING), Failed (FAILED, with the
// reason), Closed (CLOSED, REVERSED), NotFound (25).
func (c *Client) Query(ctx context.Context, outTradeNo string) (pos.ProviderResult, error) {
	a, err := c.call(ctx, "/v1/query", request{OrderNo: outTradeNo})
	switch {
	case err != nil:
		return unknown("query", outTradeNo, a, err)
	case a.RespCode == "00":
		return order("query", outTradeNo, a)
	case a.RespCode == "25":
		return pos.ProviderResult{Status: pos.StatusNotFound, Code: a.codes(), Reason: reasonNotFound}, nil
	}
	return unknown("query", outTradeNo, a, fmt.Errorf("%w: %s %s", ErrUnexpected, a.codes(), a.RespMsg))
}

// Cancel reverses an order (/v1/reverse): an unpaid one is closed, a paid
// one gets its money back, within the acquirer's window. Closed means done;
// NotFound no such order; Failed a definite refusal that says nothing about
// the order's state: query it. A QR order this client precreated is closed
// instead (qr.go): Failed then means it was paid.
func (c *Client) Cancel(ctx context.Context, outTradeNo string) (pos.ProviderResult, error) {
	if c.qr.has(outTradeNo) {
		return c.closeQR(ctx, outTradeNo)
	}
	a, err := c.call(ctx, "/v1/reverse", request{OrderNo: outTradeNo})
	switch {
	case err != nil:
		return unknown("reverse", outTradeNo, a, err)
	case a.RespCode == "00" && (a.Status == "REVERSED" || a.Status == "CLOSED"):
		if err := sameOrder(outTradeNo, a); err != nil {
			return unknown("reverse", outTradeNo, a, err)
		}
		return pos.ProviderResult{Status: pos.StatusClosed, TradeNo: a.TxnNo, Code: a.codes(), Reason: reasonReversed}, nil
	case a.RespCode == "00":
		return unknown("reverse", outTradeNo, a, fmt.Errorf("%w: reversed order is %s", ErrUnexpected, a.Status))
	}
	return refusal("reverse", outTradeNo, a, reverseCodes)
}

// Refund returns r.Amount of a paid order (/v1/refund). The OutRefundNo is
// the idempotency key: a retry with the same number never refunds twice.
// Success means refunded; Failed a definite refusal; NotFound no such order.
func (c *Client) Refund(ctx context.Context, r pos.RefundRequest) (pos.ProviderResult, error) {
	fen, err := toFen(r.Amount)
	if err != nil {
		return invalid("refund", r.OutTradeNo, reasonAmount, err)
	}
	if r.OutRefundNo == "" {
		return invalid("refund", r.OutTradeNo, "缺少退款单号", errors.New("no refund_no"))
	}
	a, err := c.call(ctx, "/v1/refund", request{OrderNo: r.OutTradeNo, RefundNo: r.OutRefundNo, AmountFen: fen,
		Reason: r.Reason})
	switch {
	case err != nil:
		return unknown("refund", r.OutTradeNo, a, err)
	case a.RespCode == "00":
		return refunded("refund", r.OutTradeNo, r.OutRefundNo, r.Amount, a)
	}
	return refusal("refund", r.OutTradeNo, a, refundCodes)
}

// RefundQuery reads one refund (/v1/refund/query): Success with its
// amount, or NotFound.
func (c *Client) RefundQuery(ctx context.Context, outTradeNo, outRefundNo string) (pos.ProviderResult, error) {
	a, err := c.call(ctx, "/v1/refund/query", request{RefundNo: outRefundNo})
	switch {
	case err != nil:
		return unknown("refund query", outTradeNo, a, err)
	case a.RespCode == "00":
		return refunded("refund query", outTradeNo, outRefundNo, 0, a)
	case a.RespCode == "25":
		return pos.ProviderResult{Status: pos.StatusNotFound, Code: a.codes(), Reason: reasonNoRefund}, nil
	}
	return unknown("refund query", outTradeNo, a, fmt.Errorf("%w: %s %s", ErrUnexpected, a.codes(), a.RespMsg))
}

// order maps the status of an order answer (resp_code 00).
func order(op, outTradeNo string, a answer) (pos.ProviderResult, error) {
	if err := sameOrder(outTradeNo, a); err != nil {
		return unknown(op, outTradeNo, a, err)
	}
	r := pos.ProviderResult{TradeNo: a.TxnNo, Code: a.codes()}
	switch a.Status {
	case "SUCCESS", "REFUNDED":
		if !a.Amount.set || a.TxnNo == "" {
			return unknown(op, outTradeNo, a, fmt.Errorf("%w: paid without amount or txn_no", ErrMalformed))
		}
		r.Status, r.Amount, r.Buyer = pos.StatusSuccess, a.Amount.fen, a.MaskedPAN
		return r, nil
	case "PAYING", "NOTPAY":
		r.Status, r.Reason = pos.StatusWaiting, reasonWaiting
	case "FAILED":
		res, ok := payCodes[a.OrigRespCode]
		if !ok || res.status != pos.StatusFailed {
			res = failed("支付失败（" + a.OrigRespCode + "），请顾客更换付款方式")
		}
		r.Status, r.Reason = pos.StatusFailed, res.reason
	case "CLOSED":
		r.Status, r.Reason = pos.StatusClosed, reasonClosed
	case "REVERSED":
		r.Status, r.Reason = pos.StatusClosed, reasonReversed
	default:
		return unknown(op, outTradeNo, a, fmt.Errorf("%w: status %q", ErrUnexpected, a.Status))
	}
	return r, nil
}

// refunded checks a refund answer against what was asked (want 0: any
// amount).
func refunded(op, outTradeNo, outRefundNo string, want money.Fen, a answer) (pos.ProviderResult, error) {
	switch {
	case a.Status != "SUCCESS":
		return unknown(op, outTradeNo, a, fmt.Errorf("%w: refund status %q", ErrUnexpected, a.Status))
	case a.RefundNo != outRefundNo || a.OrderNo != "" && a.OrderNo != outTradeNo:
		return unknown(op, outTradeNo, a, fmt.Errorf("%w: answer for refund %s of %s", ErrUnexpected, a.RefundNo, a.OrderNo))
	case !a.Amount.set || want != 0 && a.Amount.fen != want:
		return unknown(op, outTradeNo, a, fmt.Errorf("%w: refund amount %d, asked %d", ErrUnexpected,
			int64(a.Amount.fen), int64(want)))
	}
	return pos.ProviderResult{Status: pos.StatusSuccess, TradeNo: a.RefundTxnNo, Amount: a.Amount.fen,
		Code: a.codes(), Reason: reasonRefunded}, nil
}

// refusal maps a resp_code other than 00 through table: 96 (system error)
// and 65 (rate limited) are Unknown, so is any code the table lacks.
func refusal(op, no string, a answer, table map[string]result) (pos.ProviderResult, error) {
	if res, ok := table[a.RespCode]; ok {
		reason := res.reason
		if reason == reasonConfig && a.RespMsg != "" {
			reason += "（" + a.RespMsg + "）"
		}
		return pos.ProviderResult{Status: res.status, Code: a.codes(), Reason: reason}, nil
	}
	sentinel := ErrUnexpected
	if a.RespCode == "96" || a.RespCode == "65" {
		sentinel = ErrSystemError
	}
	return unknown(op, no, a, fmt.Errorf("%w: %s %s", sentinel, a.codes(), a.RespMsg))
}

// sameOrder checks that an answer is about the order asked for.
func sameOrder(outTradeNo string, a answer) error {
	if a.OrderNo != "" && a.OrderNo != outTradeNo {
		return fmt.Errorf("%w: answer for order %q", ErrUnexpected, a.OrderNo)
	}
	return nil
}

// unknown is the result of an answer that cannot be trusted.
func unknown(op, no string, a answer, err error) (pos.ProviderResult, error) {
	return pos.ProviderResult{Status: pos.StatusUnknown, Code: a.codes(), Reason: reasonUnknown},
		pos.Errorf(pos.CodeUnavailable, "unionpay: %s %s: %w", op, no, err)
}

// invalid is the result of a request refused before sending.
func invalid(op, no, reason string, err error) (pos.ProviderResult, error) {
	return pos.ProviderResult{Status: pos.StatusFailed, Reason: reason},
		pos.Errorf(pos.CodeInvalid, "unionpay: %s %s: %w", op, no, err)
}
