package providersim

import (
	"regexp"
	"strconv"
	"time"

	"zhanggui/pos/money"
)

// The Alipay methods. Each runs with s.mu held and returns the response
// node and how to deliver it.

// alipayOutTradeNo is Alipay's rule: ≤64 letters, digits and underscores.
var alipayOutTradeNo = regexp.MustCompile(`^[A-Za-z0-9_]{1,64}$`)

// alipayTradeNos checks that a request names a trade.
func alipayTradeNos(biz *alipayBiz) obj {
	if biz.OutTradeNo == "" && biz.TradeNo == "" {
		return alipayFail("ACQ.INVALID_PARAMETER", "参数无效：out_trade_no 和 trade_no 不能同时为空")
	}
	return nil
}

// alipayOrderInput validates what pay and precreate share.
func alipayOrderInput(biz *alipayBiz) (money.Fen, obj) {
	switch {
	case !alipayOutTradeNo.MatchString(biz.OutTradeNo):
		return 0, alipayFail("ACQ.INVALID_PARAMETER", "参数无效：out_trade_no 须为 64 位以内的字母、数字、下划线")
	case biz.Subject == "" || len([]rune(biz.Subject)) > 256:
		return 0, alipayFail("ACQ.INVALID_PARAMETER", "参数无效：subject 不能为空且不超过 256 个字符")
	case !biz.TotalAmount.set:
		return 0, alipayFail("ACQ.INVALID_PARAMETER", "参数无效：缺少 total_amount")
	}
	f, ok, inRange := biz.TotalAmount.fen()
	switch {
	case !ok:
		return 0, alipayFail("ACQ.INVALID_PARAMETER", "参数无效：total_amount 格式错误")
	case !inRange:
		return 0, alipayFail("ACQ.TOTAL_FEE_EXCEED", "订单金额超过限额，须在 [0.01,100000000] 之间")
	}
	return f, nil
}

// alipayPay is alipay.trade.pay, scene bar_code (or wave_code).
func (s *Sim) alipayPay(biz *alipayBiz) (obj, delivery) {
	amount, bad := alipayOrderInput(biz)
	switch {
	case bad != nil:
		return bad, delivery{}
	case biz.Scene != "bar_code" && biz.Scene != "wave_code":
		return alipayFail("ACQ.INVALID_PARAMETER", "参数无效：scene 只支持 bar_code、wave_code"), delivery{}
	case biz.AuthCode == "":
		return alipayFail("ACQ.INVALID_PARAMETER", "参数无效：缺少 auth_code"), delivery{}
	}
	res := s.payLocked(payReq{provider: Alipay, kind: kindCode, outTradeNo: biz.OutTradeNo, authCode: biz.AuthCode,
		amount: amount, subject: biz.Subject, storeID: biz.StoreID, operatorID: biz.OperatorID, terminalID: biz.TerminalID})
	return s.alipayPayAnswer(res, biz), res.d
}

// alipayPayAnswer turns the engine's answer into 10000 / 10003 / 20000 /
// 40004.
func (s *Sim) alipayPayAnswer(res payRes, biz *alipayBiz) obj {
	t := res.t
	switch {
	case res.sys:
		return alipaySystemError()
	case res.fail == fRateLimited:
		return alipayRateLimited()
	case t != nil && res.repeat && (t.state == stWaiting || t.state == stFailed):
		return s.alipayInProcess(t)
	case res.fail != fNone:
		sub, msg := alipayPayFailure(res.fail)
		return append(alipayFail(sub, msg), field{"out_trade_no", biz.OutTradeNo}, field{"buyer_pay_amount", "0.00"},
			field{"invoice_amount", "0.00"}, field{"point_amount", "0.00"}, field{"receipt_amount", "0.00"})
	case t.state == stWaiting:
		return s.alipayInProcess(t)
	}
	return append(alipaySuccess(), s.alipayPaidFields(t)...)
}

// alipayPayFailure maps a refusal of alipay.trade.pay to its sub_code.
func alipayPayFailure(f failure) (string, string) {
	switch f {
	case fCodeInvalid:
		return "ACQ.PAYMENT_AUTH_CODE_INVALID", "支付失败，获取顾客账户信息失败，请顾客刷新付款码后重新收款"
	case fCodeExpired:
		return "ACQ.PAYMENT_AUTH_CODE_INVALID", "付款码已过期，请顾客刷新付款码后重新收款"
	case fNotEnough:
		return "ACQ.BUYER_BALANCE_NOT_ENOUGH", "买家余额不足"
	case fRisk:
		return "ACQ.PAYMENT_REQUEST_HAS_RISK", "支付存在风险，请更换其他支付方式"
	case fOrderPaid:
		return "ACQ.TRADE_HAS_SUCCESS", "交易已被支付"
	case fOrderClosed, fOrderReversed:
		return "ACQ.TRADE_HAS_CLOSE", "交易已经关闭"
	case fInconsistent:
		return "ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改"
	}
	return "ACQ.PAYMENT_FAIL", "支付失败"
}

// alipayInProcess is the 10003 answer: the buyer must confirm.
func (s *Sim) alipayInProcess(t *trade) obj {
	u := s.userLocked(t.userID)
	return obj{{"code", "10003"}, {"msg", "order success pay inprocess"}, {"trade_no", t.tradeNo},
		{"out_trade_no", t.outTradeNo}, {"buyer_logon_id", u.logonID}, {"total_amount", t.amount.String()},
		{"receipt_amount", "0.00"}, {"buyer_pay_amount", "0.00"}, {"point_amount", "0.00"},
		{"invoice_amount", "0.00"}, {"buyer_user_id", u.alipayID}}
}

// alipayPaidFields are the fields of a paid trade, as trade.pay returns them.
func (s *Sim) alipayPaidFields(t *trade) obj {
	u := s.userLocked(t.userID)
	amt := t.amount.String()
	return obj{{"trade_no", t.tradeNo}, {"out_trade_no", t.outTradeNo}, {"buyer_logon_id", u.logonID},
		{"total_amount", amt}, {"receipt_amount", amt}, {"buyer_pay_amount", amt}, {"point_amount", "0.00"},
		{"invoice_amount", amt}, {"gmt_payment", t.paidAt.In(beijing).Format(alipayTimeLayout)},
		{"fund_bill_list", []obj{{{"fund_channel", "ALIPAYACCOUNT"}, {"amount", amt}}}},
		{"buyer_user_id", u.alipayID}}
}

// alipayPrecreate is alipay.trade.precreate: a dynamic QR code.
func (s *Sim) alipayPrecreate(biz *alipayBiz) (obj, delivery) {
	amount, bad := alipayOrderInput(biz)
	if bad != nil {
		return bad, delivery{}
	}
	ttl := s.cfg.Windows.AlipayQR
	for _, e := range []string{biz.TimeoutExpress, biz.QRCodeTimeoutExpress} {
		if d, ok := s.parseTimeoutExpress(e); ok && d < ttl {
			ttl = d
		}
	}
	res := s.createQRLocked(payReq{provider: Alipay, kind: kindQR, outTradeNo: biz.OutTradeNo, amount: amount,
		subject: biz.Subject, storeID: biz.StoreID, operatorID: biz.OperatorID, terminalID: biz.TerminalID}, ttl)
	switch {
	case res.sys:
		return alipaySystemError(), res.d
	case res.fail == fRateLimited:
		return alipayRateLimited(), res.d
	case res.fail != fNone:
		sub, msg := alipayPayFailure(res.fail)
		return alipayFail(sub, msg), res.d
	}
	return alipaySuccess(field{"out_trade_no", res.t.outTradeNo}, field{"qr_code", res.t.qrCode}), res.d
}

// parseTimeoutExpress reads "90m", "2h", "1d" or "1c" (until midnight,
// Beijing time).
func (s *Sim) parseTimeoutExpress(e string) (time.Duration, bool) {
	if e == "1c" {
		now := s.now().In(beijing)
		y, m, d := now.Date()
		return time.Date(y, m, d+1, 0, 0, 0, 0, beijing).Sub(now), true
	}
	if len(e) < 2 {
		return 0, false
	}
	n, err := strconv.Atoi(e[:len(e)-1])
	if err != nil || n <= 0 {
		return 0, false
	}
	unit := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}[e[len(e)-1]]
	return time.Duration(n) * unit, unit != 0
}

// alipayVisible finds a trade as Alipay sees it: a QR nobody scanned does
// not exist yet (PROTOCOLS.md §1.5).
func (s *Sim) alipayVisible(biz *alipayBiz, query bool) *trade {
	var t *trade
	if query {
		t = s.queryLocked(Alipay, biz.OutTradeNo, biz.TradeNo)
	} else {
		t = s.findLocked(Alipay, biz.OutTradeNo, biz.TradeNo)
	}
	if t == nil || t.state == stQRCreated {
		return nil
	}
	return t
}

// alipayStatus is t's trade_status.
func (s *Sim) alipayStatus(t *trade) string {
	switch t.state {
	case stWaiting, stFailed:
		return "WAIT_BUYER_PAY"
	case stPaid:
		if t.refunded == t.amount {
			return "TRADE_CLOSED"
		}
		if s.now().Sub(t.paidAt) > s.cfg.Windows.AlipayRefund {
			return "TRADE_FINISHED"
		}
		return "TRADE_SUCCESS"
	}
	return "TRADE_CLOSED"
}

// alipayNotExist is the answer for an unknown trade.
func alipayNotExist() obj { return alipayFail("ACQ.TRADE_NOT_EXIST", "交易不存在") }

// alipayScripted applies an out_trade_no script to a request that is not
// a payment; a non-nil answer replaces the method's.
func (s *Sim) alipayScripted(biz *alipayBiz) (obj, delivery, bool) {
	d, ok, sys, f := s.stepFor(biz.OutTradeNo)
	switch {
	case f == fRateLimited:
		return alipayRateLimited(), d, false
	case !ok:
		return alipaySystemError(), d, false
	}
	return nil, d, sys
}

// alipayQuery is alipay.trade.query.
func (s *Sim) alipayQuery(biz *alipayBiz) (obj, delivery) {
	if bad := alipayTradeNos(biz); bad != nil {
		return bad, delivery{}
	}
	early, d, sys := s.alipayScripted(biz)
	if early != nil {
		return early, d
	}
	t := s.alipayVisible(biz, true)
	if sys {
		return alipaySystemError(), d
	}
	if t == nil {
		return alipayNotExist(), d
	}
	u := s.userLocked(t.userID)
	o := alipaySuccess(field{"trade_no", t.tradeNo}, field{"out_trade_no", t.outTradeNo},
		field{"buyer_logon_id", u.logonID}, field{"trade_status", s.alipayStatus(t)},
		field{"total_amount", t.amount.String()})
	paid := money.Fen(0)
	if !t.paidAt.IsZero() {
		paid = t.amount
	}
	o = append(o, field{"buyer_pay_amount", paid.String()}, field{"point_amount", "0.00"},
		field{"invoice_amount", paid.String()}, field{"receipt_amount", paid.String()})
	if !t.paidAt.IsZero() {
		o = append(o, field{"send_pay_date", t.paidAt.In(beijing).Format(alipayTimeLayout)},
			field{"fund_bill_list", []obj{{{"fund_channel", "ALIPAYACCOUNT"}, {"amount", t.amount.String()}}}})
	}
	o = o.addNonEmpty("store_id", t.storeID).addNonEmpty("terminal_id", t.terminalID)
	return o.add("buyer_user_id", u.alipayID), d
}
