package providersim

import (
	"crypto/subtle"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"zhanggui/pos/money"
)

// WeChat Pay API v2 (PROTOCOLS.md §2.1): XML over POST, MD5 or
// HMAC-SHA256 signs with the APIv2 key, return_code for the call and
// result_code/err_code for the business.

// v2Method answers one v2 call with s.mu held: the business fields
// (result_code, err_code, …) and how to deliver them.
type v2Method func(s *Sim, p map[string]string) (map[string]string, delivery)

func (s *Sim) wechatV2Routes(m *http.ServeMux) {
	m.HandleFunc("/wechat/pay/micropay", s.v2((*Sim).v2Micropay, false))
	m.HandleFunc("/wechat/pay/orderquery", s.v2((*Sim).v2OrderQuery, false))
	m.HandleFunc("/wechat/secapi/pay/reverse", s.v2((*Sim).v2Reverse, true))
	m.HandleFunc("/wechat/secapi/pay/refund", s.v2((*Sim).v2Refund, true))
	m.HandleFunc("/wechat/pay/refundquery", s.v2((*Sim).v2RefundQuery, false))
	m.HandleFunc("/wechat/pay/downloadbill", s.handleV2DownloadBill)
}

// v2 wraps a method with the protocol checks and the signed answer.
func (s *Sim) v2(m v2Method, secapi bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, msg := s.v2Check(r, secapi)
		if msg != "" {
			writeV2(w, map[string]string{"return_code": "FAIL", "return_msg": msg})
			return
		}
		s.mu.Lock()
		fields, d := m(s, p)
		s.mu.Unlock()
		s.deliver(w, r, d, func() { writeV2(w, s.v2Answer(p, fields, d.badSig)) })
	}
}

// v2Answer adds the protocol fields and the signature to a business answer.
func (s *Sim) v2Answer(req, fields map[string]string, badSig bool) map[string]string {
	cred := s.creds.WeChat
	for k, v := range fields {
		if v == "" { // WeChat leaves out what it has no value for
			delete(fields, k)
		}
	}
	fields["return_code"], fields["return_msg"] = "SUCCESS", "OK"
	fields["appid"], fields["mch_id"], fields["nonce_str"] = cred.AppID, cred.MchID, s.nonce()[:16]
	fields["sign"] = v2Sign(fields, cred.APIv2Key, v2SignType(req))
	if badSig {
		fields["sign"] = tamperHex(fields["sign"])
	}
	return fields
}

func writeV2(w http.ResponseWriter, m map[string]string) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, _ = w.Write(writeV2XML(m)) // the client's problem if it went away
}

// v2SignType is the request's sign_type, MD5 by default.
func v2SignType(p map[string]string) string {
	if p["sign_type"] == "" {
		return signMD5
	}
	return p["sign_type"]
}

// v2Check parses and authenticates a request; a non-empty msg is the
// return_msg of a FAIL answer.
func (s *Sim) v2Check(r *http.Request, secapi bool) (map[string]string, string) {
	if r.Method != http.MethodPost {
		return nil, "请使用post方法"
	}
	if secapi && s.cfg.WeChatRequireClientCert && !s.hasMerchantCert(r) {
		return nil, "请求需要商户API证书（双向证书）"
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		return nil, "读取请求失败"
	}
	p, err := parseV2XML(body)
	if err != nil {
		return nil, "XML格式错误"
	}
	if msg := s.v2Identity(p); msg != "" {
		return nil, msg
	}
	want := v2Sign(p, s.creds.WeChat.APIv2Key, v2SignType(p))
	if subtle.ConstantTimeCompare([]byte(strings.ToUpper(p["sign"])), []byte(want)) != 1 {
		return nil, "签名错误"
	}
	return p, ""
}

// v2Identity checks who is calling and how it signs; a non-empty result is
// the return_msg of a FAIL answer.
func (s *Sim) v2Identity(p map[string]string) string {
	cred := s.creds.WeChat
	switch {
	case p["appid"] == "":
		return "缺少参数appid"
	case p["mch_id"] == "":
		return "缺少参数mch_id"
	case p["mch_id"] != cred.MchID:
		return "商户号mch_id与appid不匹配"
	case p["appid"] != cred.AppID:
		return "appid和mch_id不匹配,请检查后再试"
	case p["nonce_str"] == "" || len(p["nonce_str"]) > 32:
		return "nonce_str参数错误"
	case p["sign_type"] != "" && p["sign_type"] != signMD5 && p["sign_type"] != signHMACSHA256:
		return "sign_type参数错误"
	}
	return ""
}

// hasMerchantCert reports whether the TLS client presented the merchant's
// API certificate.
func (s *Sim) hasMerchantCert(r *http.Request) bool {
	if r.TLS == nil {
		return false
	}
	for _, c := range r.TLS.PeerCertificates {
		if c.Equal(s.keys.wxMerchantCert) {
			return true
		}
	}
	return false
}

// v2Fail is a business failure.
func v2Fail(code, des string) map[string]string {
	return map[string]string{"result_code": "FAIL", "err_code": code, "err_code_des": des}
}

// v2OutTradeNo is WeChat's rule for merchant order numbers.
var v2OutTradeNo = regexp.MustCompile(`^[0-9A-Za-z_\-|*]{1,32}$`)

// parseFen reads an integer amount of fen: digits only, positive.
func parseFen(s string) (money.Fen, bool) {
	if s == "" || len(s) > 12 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return money.Fen(n), err == nil && n > 0 && money.Fen(n) <= money.MaxFen
}

// v2Micropay is /pay/micropay: the merchant scans the customer's code.
func (s *Sim) v2Micropay(p map[string]string) (map[string]string, delivery) {
	for _, f := range []string{"body", "out_trade_no", "total_fee", "spbill_create_ip", "auth_code"} {
		if p[f] == "" {
			return v2Fail("LACK_PARAMS", "缺少参数"+f), delivery{}
		}
	}
	amount, ok := parseFen(p["total_fee"])
	switch {
	case !ok:
		return v2Fail("PARAM_ERROR", "total_fee 参数错误，须为正整数（分）"), delivery{}
	case !v2OutTradeNo.MatchString(p["out_trade_no"]):
		return v2Fail("PARAM_ERROR", "out_trade_no 参数错误"), delivery{}
	case p["fee_type"] != "" && p["fee_type"] != "CNY":
		return v2Fail("PARAM_ERROR", "fee_type 只支持 CNY"), delivery{}
	}
	res := s.payLocked(payReq{provider: WeChat, kind: kindCode, api: "v2", outTradeNo: p["out_trade_no"],
		authCode: p["auth_code"], amount: amount, subject: p["body"], attach: p["attach"], terminalID: p["device_info"]})
	t := res.t
	switch {
	case res.sys:
		return v2Fail("SYSTEMERROR", "系统超时，请稍后查询订单"), res.d
	case res.fail != fNone:
		code, des := v2PayFailure(res.fail)
		return v2Fail(code, des), res.d
	case t.state == stWaiting:
		return v2Fail("USERPAYING", "需要用户输入支付密码"), res.d
	}
	out := s.v2PaidFields(t)
	out["result_code"] = "SUCCESS"
	out["device_info"] = p["device_info"]
	return out, res.d
}

// v2PayFailure maps a refused micropay to err_code and err_code_des.
func v2PayFailure(f failure) (string, string) {
	switch f {
	case fCodeInvalid:
		return "AUTH_CODE_INVALID", "授权码检验错误，请用户刷新付款码后重新扫码"
	case fCodeExpired:
		return "AUTHCODEEXPIRE", "二维码已过期，请用户在微信上刷新后再试"
	case fNotEnough:
		return "NOTENOUGH", "余额不足"
	case fRisk:
		return "TRADE_ERROR", "交易错误：用户账户异常或被风控拦截"
	case fRateLimited:
		return "FREQUENCY_LIMITED", "请求频率过高，请稍后再试"
	case fOrderPaid:
		return "ORDERPAID", "订单已支付"
	case fOrderClosed:
		return "ORDERCLOSED", "订单已关闭"
	case fOrderReversed:
		return "ORDERREVERSED", "订单已撤销"
	case fInconsistent:
		return "OUT_TRADE_NO_USED", "商户订单号重复"
	}
	return "TRADE_ERROR", "支付失败"
}

// v2PaidFields are the fields of a paid trade in micropay and orderquery.
func (s *Sim) v2PaidFields(t *trade) map[string]string {
	fen := strconv.FormatInt(int64(t.amount), 10)
	return map[string]string{"openid": s.userLocked(t.userID).openID, "is_subscribe": "N",
		"trade_type": v2TradeType(t), "bank_type": "OTHERS", "fee_type": "CNY", "total_fee": fen,
		"cash_fee_type": "CNY", "cash_fee": fen, "transaction_id": t.tradeNo, "out_trade_no": t.outTradeNo,
		"attach": t.attach, "time_end": t.paidAt.In(beijing).Format("20060102150405")}
}

func v2TradeType(t *trade) string {
	if t.kind == kindQR {
		return "NATIVE"
	}
	return "MICROPAY"
}

// wechatState is a trade's trade_state and trade_state_desc (v2 and v3).
func wechatState(t *trade) (string, string) {
	switch {
	case t.state == stPaid && t.refunded > 0:
		return "REFUND", "订单发生过退款"
	case t.state == stPaid:
		return "SUCCESS", "支付成功"
	case t.state == stWaiting && t.kind == kindCode:
		return "USERPAYING", "需要用户输入支付密码"
	case t.state == stClosed:
		return "CLOSED", "订单已关闭"
	case t.state == stReversed:
		return "REVOKED", "订单已撤销"
	case t.state == stFailed:
		return "PAYERROR", "支付失败，请重新下单支付"
	}
	return "NOTPAY", "订单未支付"
}

// v2Find finds the trade a v2 request names (transaction_id first).
func (s *Sim) v2Find(p map[string]string, query bool) *trade {
	if query {
		return s.queryLocked(WeChat, p["out_trade_no"], p["transaction_id"])
	}
	return s.findLocked(WeChat, p["out_trade_no"], p["transaction_id"])
}

// v2Scripted applies an out_trade_no script to a call that is not a
// payment; a non-nil answer replaces the method's.
func (s *Sim) v2Scripted(p map[string]string) (map[string]string, delivery, bool) {
	d, ok, sys, f := s.stepFor(p["out_trade_no"])
	switch {
	case f == fRateLimited:
		return v2Fail("FREQUENCY_LIMITED", "请求频率过高，请稍后再试"), d, false
	case !ok:
		return v2Fail("SYSTEMERROR", "系统错误"), d, false
	}
	return nil, d, sys
}

// v2OrderQuery is /pay/orderquery.
func (s *Sim) v2OrderQuery(p map[string]string) (map[string]string, delivery) {
	if p["out_trade_no"] == "" && p["transaction_id"] == "" {
		return v2Fail("LACK_PARAMS", "缺少参数out_trade_no或transaction_id"), delivery{}
	}
	early, d, sys := s.v2Scripted(p)
	if early != nil {
		return early, d
	}
	t := s.v2Find(p, true)
	switch {
	case sys:
		return v2Fail("SYSTEMERROR", "系统错误"), d
	case t == nil:
		return v2Fail("ORDERNOTEXIST", "此交易订单号不存在"), d
	}
	out := map[string]string{"out_trade_no": t.outTradeNo, "trade_type": v2TradeType(t),
		"total_fee": strconv.FormatInt(int64(t.amount), 10), "attach": t.attach}
	if !t.paidAt.IsZero() {
		out = s.v2PaidFields(t)
	}
	out["result_code"] = "SUCCESS"
	out["trade_state"], out["trade_state_desc"] = wechatState(t)
	return out, d
}

// tamperHex changes the last digit of an upper-case hex signature.
func tamperHex(sig string) string {
	const digits = "0123456789ABCDEF"
	last := strings.IndexByte(digits, sig[len(sig)-1])
	return sig[:len(sig)-1] + string(digits[(last+1)%16])
}
