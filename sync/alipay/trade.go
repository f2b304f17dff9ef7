package alipay

import (
	"context"
	"fmt"
	"time"

	"zhanggui/pos"
)

// payBiz is the biz_content of alipay.trade.pay and precreate.
type payBiz struct {
	OutTradeNo     string `json:"out_trade_no"`
	Scene          string `json:"scene,omitempty"`
	AuthCode       string `json:"auth_code,omitempty"`
	Subject        string `json:"subject"`
	TotalAmount    string `json:"total_amount"`
	TimeoutExpress string `json:"timeout_express,omitempty"`
}

// tradeBiz names a trade (query, cancel, close).
type tradeBiz struct {
	OutTradeNo string `json:"out_trade_no"`
}

// Pay charges the customer's payment code (alipay.trade.pay, scene
// bar_code). Success means paid; Waiting (10003) means the customer must
// confirm on the phone: poll Query. A refusal is Failed with the reason for
// the cashier. Unknown comes with a CodeUnavailable error: query, never
// assume it failed. An amount Alipay cannot take is refused before sending
// (Failed, CodeInvalid).
func (c *Client) Pay(ctx context.Context, r pos.PayRequest) (pos.ProviderResult, error) {
	amt, err := yuanString(r.Amount)
	if err != nil {
		return invalid("pay", r.OutTradeNo, err)
	}
	n, err := c.call(ctx, "alipay.trade.pay", payBiz{OutTradeNo: r.OutTradeNo, Scene: "bar_code",
		AuthCode: r.AuthCode, Subject: subject(r.Subject), TotalAmount: amt})
	if err != nil {
		return unknown("pay", r.OutTradeNo, n, err)
	}
	switch {
	case n.Code == "10000":
		return paid("pay", r.OutTradeNo, n)
	case n.Code == "10003": // smartwalle's IsSuccess would call this paid
		return pos.ProviderResult{Status: pos.StatusWaiting, TradeNo: n.TradeNo, Buyer: maskBuyer(n.BuyerLogonID),
			Code: n.Code, Reason: reasonWaiting}, nil
	case untrusted(n):
		return unknown("pay", r.OutTradeNo, n, fmt.Errorf("%w: %s %s", ErrSystemError, n.codes(), n.SubMsg))
	case n.SubCode == "ACQ.TRADE_HAS_SUCCESS":
		// Paid already (a retry of our own request): the query has the details.
		return c.Query(ctx, r.OutTradeNo)
	}
	a := payAnswer(n)
	return pos.ProviderResult{Status: a.status, Code: n.codes(), Reason: a.reason}, nil
}

// Precreate asks for a dynamic QR (alipay.trade.precreate): Waiting with
// QR set. Until the customer scans it, Alipay knows no trade: Query answers
// NotFound, and Cancel closes it.
func (c *Client) Precreate(ctx context.Context, r pos.PayRequest) (pos.ProviderResult, error) {
	amt, err := yuanString(r.Amount)
	if err != nil {
		return invalid("precreate", r.OutTradeNo, err)
	}
	c.mu.Lock()
	c.qr.add(r.OutTradeNo) // before sending: an unknown answer may still have made it
	c.mu.Unlock()
	n, err := c.call(ctx, "alipay.trade.precreate", payBiz{OutTradeNo: r.OutTradeNo, Subject: subject(r.Subject),
		TotalAmount: amt, TimeoutExpress: c.qrTimeout()})
	switch {
	case err != nil:
		return unknown("precreate", r.OutTradeNo, n, err)
	case n.Code == "10000" && n.QRCode != "":
		return pos.ProviderResult{Status: pos.StatusWaiting, QR: n.QRCode, Code: n.Code, Reason: reasonQR}, nil
	case n.Code == "10000":
		return unknown("precreate", r.OutTradeNo, n, fmt.Errorf("%w: no qr_code", ErrUnexpected))
	case untrusted(n):
		return unknown("precreate", r.OutTradeNo, n, fmt.Errorf("%w: %s %s", ErrSystemError, n.codes(), n.SubMsg))
	case n.SubCode == "ACQ.TRADE_HAS_SUCCESS":
		return c.Query(ctx, r.OutTradeNo)
	}
	a := payAnswer(n)
	return pos.ProviderResult{Status: a.status, Code: n.codes(), Reason: a.reason}, nil
}

// qrTimeout is the timeout_express of a precreate: whole minutes, ≥ 1.
func (c *Client) qrTimeout() string {
	d := c.cfg.QRTimeout
	switch {
	case d < 0:
		return ""
	case d == 0:
		d = DefaultQRTimeout
	}
	return fmt.Sprintf("%dm", max(1, int((d+time.Minute-1)/time.Minute)))
}

// Query reads a trade (alipay.trade.query): Success (TRADE_SUCCESS or
// TRADE_FINISHED), Waiting (WAIT_BUYER_PAY), Closed (TRADE_CLOSED: closed
// unpaid, cancelled, or fully refunded), NotFound (ACQ.TRADE_NOT_EXIST, also
// a QR nobody has scanned yet). A refusal caused by the till's own
// configuration is Unknown too, with a reason that says so.
func (c *Client) Query(ctx context.Context, outTradeNo string) (pos.ProviderResult, error) {
	n, err := c.call(ctx, "alipay.trade.query", tradeBiz{OutTradeNo: outTradeNo})
	switch {
	case err != nil:
		return unknown("query", outTradeNo, n, err)
	case n.Code == "10000":
		return queried(outTradeNo, n)
	case n.SubCode == "ACQ.TRADE_NOT_EXIST":
		return pos.ProviderResult{Status: pos.StatusNotFound, Code: n.codes(), Reason: reasonNotFound}, nil
	}
	return notAnswered("query", outTradeNo, n)
}

// queried maps a successful query to the trade's state.
func queried(outTradeNo string, n node) (pos.ProviderResult, error) {
	switch n.TradeStatus {
	case "TRADE_SUCCESS", "TRADE_FINISHED":
		return paid("query", outTradeNo, n)
	case "WAIT_BUYER_PAY":
		return pos.ProviderResult{Status: pos.StatusWaiting, TradeNo: n.TradeNo, Buyer: maskBuyer(n.BuyerLogonID),
			Code: n.TradeStatus, Reason: reasonWaiting}, nil
	case "TRADE_CLOSED":
		amt, _ := parseYuan(n.TotalAmount) // for the log only; a closed trade books nothing
		return pos.ProviderResult{Status: pos.StatusClosed, TradeNo: n.TradeNo, Amount: amt,
			Code: n.TradeStatus, Reason: reasonClosed}, nil
	}
	return unknown("query", outTradeNo, n, fmt.Errorf("%w: trade_status %q", ErrUnexpected, n.TradeStatus))
}

// Cancel voids a trade: alipay.trade.close for a QR this client precreated
// (so that a QR paid at the last moment stays paid and is not refunded
// behind the cashier's back), alipay.trade.cancel otherwise, which closes an
// unpaid trade or refunds a paid one. Closed means done; NotFound means
// Alipay knows no such trade; Failed is a definite refusal that says nothing
// about the trade's state: query it. retry_flag=Y gives Unknown with Retry
// set and a CodeUnavailable error: call Cancel again.
func (c *Client) Cancel(ctx context.Context, outTradeNo string) (pos.ProviderResult, error) {
	method := "alipay.trade.cancel"
	c.mu.Lock()
	if c.qr.has(outTradeNo) {
		method = "alipay.trade.close"
	}
	c.mu.Unlock()
	n, err := c.call(ctx, method, tradeBiz{OutTradeNo: outTradeNo})
	retry := n.RetryFlag == "Y"
	switch {
	case err != nil:
		return unknown("cancel", outTradeNo, n, err)
	case retry:
		res, err := unknown("cancel", outTradeNo, n, fmt.Errorf("%w: %s", ErrRetryCancel, n.codes()))
		res.Retry, res.Reason = true, reasonRetryCanc
		return res, err
	case n.Code == "10000":
		code := n.Code
		if n.Action != "" {
			code += " action=" + n.Action
		}
		return pos.ProviderResult{Status: pos.StatusClosed, TradeNo: n.TradeNo, Code: code, Reason: reasonClosed}, nil
	case untrusted(n):
		return unknown("cancel", outTradeNo, n, fmt.Errorf("%w: %s %s", ErrSystemError, n.codes(), n.SubMsg))
	}
	if a, ok := cancelAnswers[n.SubCode]; ok {
		return pos.ProviderResult{Status: a.status, Code: n.codes(), Reason: a.reason}, nil
	}
	if configError(n) {
		return notAnswered("cancel", outTradeNo, n)
	}
	return pos.ProviderResult{Status: pos.StatusFailed, Code: n.codes(),
		Reason: "支付宝拒绝撤销（" + n.SubMsg + "），请查询订单后处理"}, nil
}

// paid is the result of a paid trade. A success without a trade number or
// with an amount that does not parse cannot be booked: it is Unknown.
func paid(op, outTradeNo string, n node) (pos.ProviderResult, error) {
	amt, err := parseYuan(n.TotalAmount)
	if err != nil {
		return unknown(op, outTradeNo, n, err)
	}
	if n.TradeNo == "" {
		return unknown(op, outTradeNo, n, fmt.Errorf("%w: paid without trade_no", ErrUnexpected))
	}
	code := n.Code
	if n.TradeStatus != "" {
		code = n.TradeStatus
	}
	return pos.ProviderResult{Status: pos.StatusSuccess, TradeNo: n.TradeNo, Buyer: maskBuyer(n.BuyerLogonID),
		Amount: amt, Code: code}, nil
}

// unknown is the result of an answer that cannot be trusted.
func unknown(op, no string, n node, err error) (pos.ProviderResult, error) {
	return pos.ProviderResult{Status: pos.StatusUnknown, Code: n.codes(), Reason: reasonUnknown},
		pos.Errorf(pos.CodeUnavailable, "alipay: %s %s: %w", op, no, err)
}

// notAnswered is a refusal of a query or cancel that says nothing about
// the trade: Unknown, always with CodeUnavailable (the orchestrator retries
// and its sweeper must not stop at one misconfigured provider). When the
// till's own configuration or request is at fault, the reason says so.
func notAnswered(op, no string, n node) (pos.ProviderResult, error) {
	res, err := unknown(op, no, n, fmt.Errorf("%w: %s %s", ErrUnexpected, n.codes(), n.SubMsg))
	if configError(n) {
		res.Reason = reasonConfig + "（" + n.SubMsg + "）"
	}
	return res, err
}

// invalid is the result of a request refused before sending.
func invalid(op, no string, err error) (pos.ProviderResult, error) {
	return pos.ProviderResult{Status: pos.StatusFailed, Reason: "金额无效，请核对金额"},
		pos.Errorf(pos.CodeInvalid, "alipay: %s %s: %w", op, no, err)
}
