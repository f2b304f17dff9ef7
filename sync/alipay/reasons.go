package alipay

import (
	"strings"

	"zhanggui/pos"
)

// Words for the cashier. Each says what happened and what to do.
const (
	reasonUnknown   = "支付结果未知，正在查询，请勿让顾客重复付款"
	reasonWaiting   = "等待顾客在手机上确认付款（输入密码）"
	reasonQR        = "请顾客用支付宝扫码付款"
	reasonClosed    = "交易已关闭，顾客未被扣款"
	reasonNotFound  = "支付宝查无此交易"
	reasonNoRefund  = "支付宝未收到该退款请求"
	reasonRefunded  = "退款成功，款项原路退回"
	reasonExpired   = "付款码已过期，请顾客刷新付款码"
	reasonConfig    = "支付宝拒绝请求，请联系管理员检查收款配置"
	reasonRetryCanc = "支付宝要求重试撤销"
)

// answer is what a sub_code means for the till.
type answer struct {
	status pos.ProviderStatus
	reason string
}

func failed(reason string) answer { return answer{pos.StatusFailed, reason} }

// payAnswers are the definite refusals of pay and precreate (PROTOCOLS.md §1.4).
var payAnswers = map[string]answer{
	"ACQ.BUYER_BALANCE_NOT_ENOUGH":               failed("余额不足，请顾客更换付款方式"),
	"ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH":      failed("银行卡余额不足，请顾客更换付款方式"),
	"ACQ.PAYMENT_AUTH_CODE_INVALID":              failed("付款码无效，请顾客刷新付款码后重新扫码"),
	"ACQ.PAYMENT_REQUEST_HAS_RISK":               failed("支付存在风险被拒绝，请顾客更换付款方式"),
	"ACQ.PAYMENT_FAIL":                           failed("支付失败，请顾客更换付款方式"),
	"ACQ.NO_PAYMENT_INSTRUMENTS_AVAILABLE":       failed("顾客没有可用的付款方式，请更换付款方式"),
	"ACQ.USER_FACE_PAYMENT_SWITCH_OFF":           failed("顾客未开通刷脸付，请改用付款码"),
	"ACQ.PULL_MOBILE_CASHIER_FAIL":               failed("顾客手机未能唤起收银台，请顾客刷新付款码后重试"),
	"ACQ.TOTAL_FEE_EXCEED":                       failed("金额超出支付宝单笔限额，请调整金额"),
	"ACQ.BUYER_PAYMENT_AMOUNT_DAY_LIMIT_ERROR":   failed("顾客当日付款额度已用完，请更换付款方式"),
	"ACQ.BUYER_PAYMENT_AMOUNT_MONTH_LIMIT_ERROR": failed("顾客当月付款额度已用完，请更换付款方式"),
	"ACQ.BEYOND_PAY_RESTRICTION":                 failed("超出支付限额，请顾客更换付款方式"),
	"ACQ.BEYOND_PER_RECEIPT_RESTRICTION":         failed("超出单笔收款限额，请顾客更换付款方式"),
	"ACQ.SELLER_BEEN_BLOCKED":                    failed("商户支付宝账户受限，请改用其他方式收款并联系支付宝"),
	"ACQ.MERCHANT_STATUS_NOT_NORMAL":             failed("商户状态异常，请改用其他方式收款并联系支付宝"),
	"ACQ.ACCESS_FORBIDDEN":                       failed("商户未开通当面付，请联系管理员"),
	"ACQ.CONTEXT_INCONSISTENT":                   failed("订单号已用于其他内容，请重新发起收款"),
	"ACQ.TRADE_HAS_CLOSE":                        {pos.StatusClosed, "订单已关闭，请重新发起收款"},
}

// refundAnswers are the definite refusals of refund.
var refundAnswers = map[string]answer{
	"ACQ.REFUND_AMT_NOT_EQUAL_TOTAL":            failed("退款金额超过可退金额，请核对退款金额"),
	"ACQ.TRADE_HAS_CLOSE":                       failed("交易已关闭或已全额退款，无法退款"),
	"ACQ.TRADE_STATUS_ERROR":                    failed("交易未付款或已撤销，无法退款"),
	"ACQ.TRADE_HAS_FINISHED":                    failed("已超过退款期限，无法原路退款，请线下处理"),
	"ACQ.TRADE_NOT_ALLOW_REFUND":                failed("该交易不允许退款，请线下处理"),
	"ACQ.NOT_ALLOW_PARTIAL_REFUND":              failed("该交易不支持部分退款"),
	"ACQ.DISCORDANT_REPEAT_REQUEST":             failed("退款单号已用于不同金额，请重新发起退款"),
	"ACQ.SELLER_BALANCE_NOT_ENOUGH":             failed("商户支付宝余额不足，请充值后重试退款"),
	"ACQ.REASON_TRADE_BEEN_FREEZEN":             failed("交易已被冻结，暂不能退款，请联系支付宝"),
	"ACQ.TRADE_NOT_EXIST":                       {pos.StatusNotFound, reasonNotFound},
	"ACQ.BUYER_ERROR":                           failed("买家状态异常，无法退款，请线下处理"),
	"ACQ.CHECK_USER_FAILED":                     failed("买家账户异常，无法退款，请线下处理"),
	"ACQ.REFUND_CHARGE_ERROR":                   failed("退费失败，请稍后重试"),
	"ACQ.ONLINE_TRADE_VOUCHER_NOT_ALLOW_REFUND": failed("该交易使用了优惠，不允许退款"),
}

// cancelAnswers are the definite refusals of cancel and close. None of
// them says the trade's state: the caller queries after a Failed cancel.
var cancelAnswers = map[string]answer{
	"ACQ.TRADE_NOT_EXIST":             {pos.StatusNotFound, reasonNotFound},
	"ACQ.TRADE_CANCEL_TIME_OUT":       failed("已超过撤销时限，请查询订单，已付款的请走退款"),
	"ACQ.CANCEL_NOT_ALLOWED":          failed("该交易不允许撤销，请查询订单后处理"),
	"ACQ.REASON_TRADE_REFUND_FEE_ERR": failed("交易已有退款，不能撤销，请查询订单后处理"),
	"ACQ.REASON_TRADE_BEEN_FREEZEN":   failed("交易已被冻结，不能撤销，请联系支付宝"),
	"ACQ.TRADE_HAS_FINISHED":          failed("交易已完结，不能撤销，请查询订单后处理"),
	"ACQ.SELLER_BALANCE_NOT_ENOUGH":   failed("商户支付宝余额不足，不能撤销，请充值后重试"),
	"ACQ.TRADE_STATUS_ERROR":          failed("订单状态不允许关闭（顾客可能已付款），请查询订单"),
}

// untrusted reports an answer that says nothing certain about the trade:
// 20000, ACQ.SYSTEM_ERROR, an isp.* error, rate limiting (40005, nothing
// done, try later) or a code this client does not know.
func untrusted(n node) bool {
	switch n.Code {
	case "20000", "40005":
		return true
	case "40001", "40002", "40003", "40004", "40006", "20001":
		return n.SubCode == "ACQ.SYSTEM_ERROR" || strings.HasPrefix(n.SubCode, "isp.")
	}
	return true
}

// configError reports a refusal caused by the till's own request or
// configuration (bad key, app_id, parameter, missing product): nothing
// happened, and retrying will not help.
func configError(n node) bool {
	switch n.Code {
	case "40001", "40002", "40003", "40006", "20001":
		return true
	}
	return n.SubCode == "ACQ.INVALID_PARAMETER" || n.SubCode == "ACQ.ACCESS_FORBIDDEN"
}

// payAnswer is what a definite refusal of pay or precreate means.
func payAnswer(n node) answer {
	if n.SubCode == "ACQ.PAYMENT_AUTH_CODE_INVALID" && strings.Contains(n.SubMsg, "过期") {
		return failed(reasonExpired)
	}
	if a, ok := payAnswers[n.SubCode]; ok {
		return a
	}
	if configError(n) {
		return failed(reasonConfig + "（" + n.SubMsg + "）")
	}
	return failed("支付宝拒绝付款（" + n.SubMsg + "），请顾客更换付款方式")
}
