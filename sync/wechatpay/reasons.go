package wechatpay

import "zhanggui/pos"

// Words for the cashier. Each says what happened and what to do.
const (
	reasonUnknown  = "支付结果未知，正在查询，请勿让顾客重复付款"
	reasonWaiting  = "等待顾客在手机上输入支付密码"
	reasonQR       = "请顾客用微信扫码付款"
	reasonNotPaid  = "顾客尚未付款"
	reasonClosed   = "订单已关闭，顾客未被扣款"
	reasonReversed = "订单已撤销，如已扣款将原路退回"
	reasonNotFound = "微信支付查无此订单"
	reasonNoRefund = "微信支付查无此退款"
	reasonRefunded = "退款成功，款项原路退回"
	reasonAccepted = "退款已受理，款项将原路退回"
	reasonRefundIn = "退款处理中，请稍后查询"
	reasonConfig   = "微信支付拒绝请求，请联系管理员检查收款配置"
	reasonRecall   = "微信支付要求重试撤销"
	reasonNoNative = "未配置微信扫码收款（API v3），请联系管理员"
	reasonAmount   = "金额无效，请核对金额"
)

// answer is what an err_code means for the till.
type answer struct {
	status pos.ProviderStatus
	reason string
}

func failed(reason string) answer { return answer{pos.StatusFailed, reason} }

// configAnswer is the answer to a request WeChat refuses as malformed or
// unauthorised: nothing happened, and retrying will not help.
var configAnswer = failed(reasonConfig)

// configCodes are the err_codes of a till-side mistake (PROTOCOLS.md §2.1).
var configCodes = map[string]bool{
	"PARAM_ERROR": true, "SIGNERROR": true, "LACK_PARAMS": true, "XML_FORMAT_ERROR": true, "NOT_UTF8": true,
	"REQUIRE_POST_METHOD": true, "APPID_NOT_EXIST": true, "MCHID_NOT_EXIST": true, "APPID_MCHID_NOT_MATCH": true,
	"NOAUTH": true, "POST_DATA_EMPTY": true, "INVALID_REQUEST": true,
}

// unknownCodes say nothing certain: the request may or may not have worked,
// or was not looked at (rate limiting). The caller queries or retries.
var unknownCodes = map[string]bool{
	"SYSTEMERROR": true, "BANKERROR": true, "FREQUENCY_LIMITED": true, "BIZERR_NEED_RETRY": true,
}

// payAnswers are the definite answers of micropay besides success.
var payAnswers = map[string]answer{
	"USERPAYING":        {pos.StatusWaiting, reasonWaiting},
	"NOTENOUGH":         failed("余额不足，请顾客更换付款方式"),
	"AUTHCODEEXPIRE":    failed("付款码已过期，请顾客刷新付款码"),
	"AUTH_CODE_ERROR":   failed("付款码错误，请重新扫描顾客的付款码"),
	"AUTH_CODE_INVALID": failed("付款码无效，请顾客刷新付款码后重新扫码"),
	"NOTSUPORTCARD":     failed("顾客的付款卡不支持此交易，请顾客更换付款方式"),
	"TRADE_ERROR":       failed("交易被拒绝（顾客账户异常或风控），请顾客更换付款方式"),
	"BUYER_MISMATCH":    failed("付款人与订单不一致，请重新发起收款"),
	"OUT_TRADE_NO_USED": failed("订单号已用于其他内容，请重新发起收款"),
	"ORDERCLOSED":       {pos.StatusClosed, "订单已关闭，请重新发起收款"},
	"ORDERREVERSED":     {pos.StatusClosed, "订单已撤销，请重新发起收款"},
}

// reverseAnswers are the definite refusals of reverse: none says the
// trade's state, so the caller queries after a Failed cancel.
var reverseAnswers = map[string]answer{
	"ORDERNOTEXIST":   {pos.StatusNotFound, reasonNotFound},
	"REVERSE_EXPIRE":  failed("已超过撤销期限，请查询订单，已付款的请走退款"),
	"TRADE_ERROR":     failed("订单不能撤销（可能已有退款），请查询订单后处理"),
	"ORDERPAID":       failed("订单已支付，不能关闭，请查询订单后处理"),
	"ORDER_CLOSED":    {pos.StatusClosed, reasonClosed},
	"ORDERCLOSED":     {pos.StatusClosed, reasonClosed},
	"ORDER_NOT_EXIST": {pos.StatusNotFound, reasonNotFound},
}

// refundAnswers are the definite refusals of refund.
var refundAnswers = map[string]answer{
	"ORDERNOTEXIST":         {pos.StatusNotFound, reasonNotFound},
	"INVALID_TRANSACTIONID": {pos.StatusNotFound, reasonNotFound},
	"TRADE_OVERDUE":         failed("已超过退款期限（一年），无法原路退款，请线下处理"),
	"NOTENOUGH":             failed("商户可用余额不足，请充值后重试退款"),
	"USER_ACCOUNT_ABNORMAL": failed("顾客账户异常，无法原路退款，请线下退款"),
	"REFUND_FEE_MISMATCH":   failed("退款金额与之前的请求不一致，请核对后重新发起退款"),
}

// lookup finds the answer for err_code in table; config mistakes and
// unknown codes come back as ok false, unknown true for the latter.
func lookup(table map[string]answer, code string) (a answer, ok bool) {
	if a, ok := table[code]; ok {
		return a, true
	}
	if configCodes[code] {
		return configAnswer, true
	}
	return answer{}, false
}
