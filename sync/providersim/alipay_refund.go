package providersim

// alipay.trade.cancel, close, refund and fastpay.refund.query.

// alipayCancel is alipay.trade.cancel: close an unpaid trade, or return
// the money of a paid one within Windows.AlipayCancel.
func (s *Sim) alipayCancel(biz *alipayBiz) (obj, delivery) {
	if bad := alipayTradeNos(biz); bad != nil {
		return bad, delivery{}
	}
	early, d, sys := s.alipayScripted(biz)
	if early != nil {
		return early, d
	}
	t := s.alipayVisible(biz, false)
	if t == nil {
		if s.cfg.AlipayCancelUnknownSucceeds && !sys {
			return alipaySuccess(field{"out_trade_no", biz.OutTradeNo}, field{"retry_flag", "N"},
				field{"action", "close"}), d
		}
		return alipayNotExist(), d
	}
	refunded, f := s.reverseLocked(t, s.cfg.Windows.AlipayCancel)
	switch {
	case sys:
		return alipaySystemError(), d
	case f == fWindow:
		return alipayFail("ACQ.TRADE_CANCEL_TIME_OUT", "超过撤销时间范围，请使用退款接口"), d
	case f != fNone:
		return alipayFail("ACQ.REASON_TRADE_REFUND_FEE_ERR", "交易已有退款，不能撤销"), d
	}
	o := alipaySuccess(field{"trade_no", t.tradeNo}, field{"out_trade_no", t.outTradeNo}, field{"retry_flag", "N"})
	if refunded {
		return append(o, field{"action", "refund"},
			field{"gmt_refund_pay", t.closedAt.In(beijing).Format(alipayTimeLayout)}), d
	}
	return append(o, field{"action", "close"}), d
}

// alipayClose is alipay.trade.close: only an unpaid, scanned trade.
func (s *Sim) alipayClose(biz *alipayBiz) (obj, delivery) {
	if bad := alipayTradeNos(biz); bad != nil {
		return bad, delivery{}
	}
	early, d, sys := s.alipayScripted(biz)
	if early != nil {
		return early, d
	}
	t := s.alipayVisible(biz, false)
	if t == nil {
		return alipayNotExist(), d
	}
	f := s.closeLocked(t)
	switch {
	case sys:
		return alipaySystemError(), d
	case f != fNone:
		return alipayFail("ACQ.TRADE_STATUS_ERROR", "交易状态不合法"), d
	}
	return alipaySuccess(field{"trade_no", t.tradeNo}, field{"out_trade_no", t.outTradeNo}), d
}

// alipayRefund is alipay.trade.refund, idempotent on out_request_no.
func (s *Sim) alipayRefund(biz *alipayBiz) (obj, delivery) {
	if bad := alipayTradeNos(biz); bad != nil {
		return bad, delivery{}
	}
	amount, ok, inRange := biz.RefundAmount.fen()
	if !biz.RefundAmount.set || !ok || !inRange {
		return alipayFail("ACQ.INVALID_PARAMETER", "参数无效：refund_amount"), delivery{}
	}
	early, d, sys := s.alipayScripted(biz)
	if early != nil {
		return early, d
	}
	t := s.alipayVisible(biz, false)
	if t == nil {
		return alipayNotExist(), d
	}
	reqNo := biz.OutRequestNo
	if reqNo == "" {
		if amount != t.amount {
			return alipayFail("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "部分退款须传入 out_request_no"), d
		}
		reqNo = t.outTradeNo
	}
	r, isNew, f := s.refundLocked(t, refundReq{outRefundNo: reqNo, amount: amount, reason: biz.RefundReason,
		window: s.cfg.Windows.AlipayRefund})
	if sys {
		return alipaySystemError(), d
	}
	if f != fNone {
		sub, msg := alipayRefundFailure(f)
		return alipayFail(sub, msg), d
	}
	u := s.userLocked(t.userID)
	fundChange := "N"
	if isNew {
		fundChange = "Y"
	}
	return alipaySuccess(field{"trade_no", t.tradeNo}, field{"out_trade_no", t.outTradeNo},
		field{"buyer_logon_id", u.logonID}, field{"fund_change", fundChange},
		field{"refund_fee", t.refunded.String()},
		field{"gmt_refund_pay", r.at.In(beijing).Format(alipayTimeLayout)},
		field{"buyer_user_id", u.alipayID}, field{"send_back_fee", r.amount.String()}), d
}

// alipayRefundFailure maps a refused refund to its sub_code.
func alipayRefundFailure(f failure) (string, string) {
	switch f {
	case fOrderReversed, fFullyRefunded:
		return "ACQ.TRADE_HAS_CLOSE", "交易已经关闭"
	case fBadState:
		return "ACQ.TRADE_STATUS_ERROR", "交易状态非法"
	case fWindow:
		return "ACQ.TRADE_HAS_FINISHED", "交易已完结，超过可退款期限"
	case fRefundExceeds:
		return "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限"
	case fRefundDiscordant:
		return "ACQ.DISCORDANT_REPEAT_REQUEST", "不一致的请求：同一退款请求号的金额不同"
	}
	return "ACQ.INVALID_PARAMETER", "参数无效"
}

// alipayRefundQuery is alipay.trade.fastpay.refund.query. A refund that
// does not exist answers 10000 without refund_status (PROTOCOLS.md §1.5).
func (s *Sim) alipayRefundQuery(biz *alipayBiz) (obj, delivery) {
	if bad := alipayTradeNos(biz); bad != nil {
		return bad, delivery{}
	}
	early, d, sys := s.alipayScripted(biz)
	if early != nil {
		return early, d
	}
	t := s.alipayVisible(biz, false)
	switch {
	case sys:
		return alipaySystemError(), d
	case t == nil:
		return alipayNotExist(), d
	}
	reqNo := biz.OutRequestNo
	if reqNo == "" {
		reqNo = t.outTradeNo
	}
	o := alipaySuccess(field{"trade_no", t.tradeNo}, field{"out_trade_no", t.outTradeNo},
		field{"out_request_no", reqNo})
	for _, r := range t.refunds {
		if r.outRefundNo == reqNo {
			return append(o, field{"total_amount", t.amount.String()}, field{"refund_amount", r.amount.String()},
				field{"refund_status", "REFUND_SUCCESS"},
				field{"gmt_refund_pay", r.at.In(beijing).Format(alipayTimeLayout)}).
				addNonEmpty("refund_reason", r.reason), d
		}
	}
	return o, d
}
