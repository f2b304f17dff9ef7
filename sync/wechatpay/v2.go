package wechatpay

import (
	"context"
	"fmt"

	"zhanggui/pos"
)

// Pay charges the customer's payment code (/pay/micropay). Success means
// paid; Waiting (USERPAYING) means the customer must enter the password:
// poll Query. A refusal is Failed with the reason for the cashier. Unknown
// (SYSTEMERROR, BANKERROR, no trustworthy answer) comes with a
// CodeUnavailable error: query, never assume it failed.
func (c *Client) Pay(ctx context.Context, r pos.PayRequest) (pos.ProviderResult, error) {
	fee, err := fenString(r.Amount)
	if err != nil {
		return invalid("pay", r.OutTradeNo, reasonAmount, err)
	}
	m, err := c.callV2(ctx, "/pay/micropay", map[string]string{"body": body(r.Subject),
		"out_trade_no": r.OutTradeNo, "total_fee": fee, "fee_type": "CNY", "spbill_create_ip": c.cfg.DeviceIP,
		"auth_code": r.AuthCode, "device_info": c.cfg.DeviceInfo})
	switch {
	case err != nil:
		return unknown("pay", r.OutTradeNo, m, err)
	case m["result_code"] == "SUCCESS":
		return paid("pay", r.OutTradeNo, m)
	case m["err_code"] == "ORDERPAID":
		// Paid already (a retry of our own request): the query has the details.
		return c.Query(ctx, r.OutTradeNo)
	}
	return definite("pay", r.OutTradeNo, m, payAnswers)
}

// Query reads an order (/pay/orderquery): Success (SUCCESS, or REFUND: paid
// and since refunded in part or whole), Waiting (USERPAYING, or NOTPAY: a
// Native QR not paid yet), Failed (PAYERROR: the customer gave up), Closed
// (CLOSED, REVOKED), NotFound (ORDERNOTEXIST).
func (c *Client) Query(ctx context.Context, outTradeNo string) (pos.ProviderResult, error) {
	m, err := c.callV2(ctx, "/pay/orderquery", map[string]string{"out_trade_no": outTradeNo})
	switch {
	case err != nil:
		return unknown("query", outTradeNo, m, err)
	case m["result_code"] == "SUCCESS":
		return tradeState(outTradeNo, m)
	case m["err_code"] == "ORDERNOTEXIST":
		return pos.ProviderResult{Status: pos.StatusNotFound, Code: code(m), Reason: reasonNotFound}, nil
	}
	return unknown("query", outTradeNo, m, fmt.Errorf("%w: %s %s", ErrUnexpected, code(m), m["err_code_des"]))
}

// tradeState maps orderquery's trade_state.
func tradeState(outTradeNo string, m map[string]string) (pos.ProviderResult, error) {
	st := m["trade_state"]
	r := pos.ProviderResult{TradeNo: m["transaction_id"], Code: st}
	switch st {
	case "SUCCESS", "REFUND":
		return paid("query", outTradeNo, m)
	case "USERPAYING":
		r.Status, r.Reason = pos.StatusWaiting, reasonWaiting
	case "NOTPAY":
		r.Status, r.Reason = pos.StatusWaiting, reasonNotPaid
	case "PAYERROR":
		r.Status, r.Reason = pos.StatusFailed, "顾客未完成付款（"+m["trade_state_desc"]+"），请重新发起收款"
	case "CLOSED":
		r.Status, r.Reason = pos.StatusClosed, reasonClosed
	case "REVOKED":
		r.Status, r.Reason = pos.StatusClosed, reasonReversed
	default:
		return unknown("query", outTradeNo, m, fmt.Errorf("%w: trade_state %q", ErrUnexpected, st))
	}
	return r, nil
}

// Cancel voids an order: /secapi/pay/reverse for a code payment (closes it
// unpaid, or returns the money of a paid one), the v3 close for a Native
// order this client precreated, or whose reverse WeChat refuses as not a
// code payment. Closed means done; NotFound means no such order; Failed is
// a definite refusal that says nothing about the order's state: query it.
// recall=Y gives Unknown with Retry set and a CodeUnavailable error.
func (c *Client) Cancel(ctx context.Context, outTradeNo string) (pos.ProviderResult, error) {
	c.mu.Lock()
	native := c.native.has(outTradeNo)
	c.mu.Unlock()
	if native {
		return c.closeNative(ctx, outTradeNo)
	}
	m, err := c.callV2(ctx, "/secapi/pay/reverse", map[string]string{"out_trade_no": outTradeNo})
	switch {
	case err != nil:
		return unknown("reverse", outTradeNo, m, err)
	case m["recall"] == "Y":
		res, err := unknown("reverse", outTradeNo, m, fmt.Errorf("%w: %s", ErrRecall, code(m)))
		res.Retry, res.Reason = true, reasonRecall
		return res, err
	case m["result_code"] == "SUCCESS":
		return pos.ProviderResult{Status: pos.StatusClosed, Code: "SUCCESS recall=N", Reason: reasonReversed}, nil
	case m["err_code"] == "INVALID_REQUEST" && c.v3 != nil:
		return c.closeNative(ctx, outTradeNo) // not a code payment: a Native order made before a restart
	}
	return definite("reverse", outTradeNo, m, reverseAnswers)
}

// paid is the result of a paid order. One without a transaction_id or with
// an amount that does not parse cannot be booked: it is Unknown.
func paid(op, outTradeNo string, m map[string]string) (pos.ProviderResult, error) {
	amt, err := parseFen(m["total_fee"])
	if err != nil {
		return unknown(op, outTradeNo, m, err)
	}
	if m["transaction_id"] == "" || m["out_trade_no"] != "" && m["out_trade_no"] != outTradeNo {
		return unknown(op, outTradeNo, m, fmt.Errorf("%w: paid order %q/%q", ErrUnexpected,
			m["transaction_id"], m["out_trade_no"]))
	}
	c := m["trade_state"]
	if c == "" {
		c = "SUCCESS"
	}
	return pos.ProviderResult{Status: pos.StatusSuccess, TradeNo: m["transaction_id"], Buyer: maskOpenID(m["openid"]),
		Amount: amt, Code: c}, nil
}

// definite maps a result_code FAIL through table: a known err_code is a
// definite answer, SYSTEMERROR and anything unknown is Unknown.
func definite(op, no string, m map[string]string, table map[string]answer) (pos.ProviderResult, error) {
	ec := m["err_code"]
	if a, ok := lookup(table, ec); ok && !unknownCodes[ec] {
		reason := a.reason
		if a == configAnswer && m["err_code_des"] != "" {
			reason += "（" + m["err_code_des"] + "）"
		}
		return pos.ProviderResult{Status: a.status, Code: code(m), Reason: reason}, nil
	}
	sentinel := ErrUnexpected
	if unknownCodes[ec] {
		sentinel = ErrSystemError
	}
	return unknown(op, no, m, fmt.Errorf("%w: %s %s", sentinel, code(m), m["err_code_des"]))
}

// code is result_code and err_code, for ProviderResult.Code.
func code(m map[string]string) string {
	switch {
	case m == nil:
		return ""
	case m["return_code"] != "SUCCESS":
		return m["return_code"]
	case m["err_code"] != "":
		return m["result_code"] + " " + m["err_code"]
	}
	return m["result_code"]
}

// unknown is the result of an answer that cannot be trusted.
func unknown(op, no string, m map[string]string, err error) (pos.ProviderResult, error) {
	return pos.ProviderResult{Status: pos.StatusUnknown, Code: code(m), Reason: reasonUnknown},
		pos.Errorf(pos.CodeUnavailable, "wechatpay: %s %s: %w", op, no, err)
}

// invalid is the result of a request refused before sending.
func invalid(op, no, reason string, err error) (pos.ProviderResult, error) {
	return pos.ProviderResult{Status: pos.StatusFailed, Reason: reason},
		pos.Errorf(pos.CodeInvalid, "wechatpay: %s %s: %w", op, no, err)
}

// body is the order description: required, at most 127 bytes (v2) —
// counted in bytes, so Chinese is cut at a character boundary.
func body(s string) string {
	if s == "" {
		s = "掌柜收银"
	}
	for len(s) > 127 {
		r := []rune(s)
		s = string(r[:len(r)-1])
	}
	return s
}
