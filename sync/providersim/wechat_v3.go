package providersim

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"time"

	"zhanggui/pos/money"
)

// WeChat Pay API v3 (PROTOCOLS.md §2.2–2.3), JSON under /wechat/v3/.

// v3Method answers one v3 call with s.mu held.
type v3Method func(s *Sim, r *http.Request, body []byte) (status int, answer obj, d delivery)

func (s *Sim) wechatV3Routes(m *http.ServeMux) {
	for pattern, h := range map[string]v3Method{
		"POST /wechat/v3/pay/transactions/codepay":                   (*Sim).v3Codepay,
		"POST /wechat/v3/pay/transactions/native":                    (*Sim).v3Native,
		"GET /wechat/v3/pay/transactions/out-trade-no/{no}":          (*Sim).v3Query,
		"GET /wechat/v3/pay/transactions/id/{id}":                    (*Sim).v3Query,
		"POST /wechat/v3/pay/transactions/out-trade-no/{no}/close":   (*Sim).v3Close,
		"POST /wechat/v3/pay/transactions/out-trade-no/{no}/reverse": (*Sim).v3Reverse,
		"POST /wechat/v3/refund/domestic/refunds":                    (*Sim).v3Refund,
		"GET /wechat/v3/refund/domestic/refunds/{no}":                (*Sim).v3RefundQuery,
		"GET /wechat/v3/bill/tradebill":                              (*Sim).v3TradeBill,
		"GET /wechat/v3/certificates":                                (*Sim).v3Certificates,
		"/wechat/v3/":                                                (*Sim).v3NotFound,
	} {
		m.HandleFunc(pattern, s.v3(h))
	}
	m.HandleFunc("GET /wechat/v3/billdownload/file", s.handleV3BillDownload)
}

// v3 wraps a method with signature checks and a signed answer.
func (s *Sim) v3(m v3Method) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
		if err != nil {
			s.writeV3(w, r, http.StatusBadRequest, v3Err("PARAM_ERROR", "请求体过大或读取失败"), false)
			return
		}
		if msg := s.v3Verify(r, body); msg != "" {
			s.writeV3(w, r, http.StatusUnauthorized, v3Err("SIGN_ERROR", msg), false)
			return
		}
		s.mu.Lock()
		status, answer, d := m(s, r, body)
		s.mu.Unlock()
		s.deliver(w, r, d, func() { s.writeV3(w, r, status, answer, d.badSig) })
	}
}

func (s *Sim) v3NotFound(r *http.Request, _ []byte) (int, obj, delivery) {
	return http.StatusNotFound, v3Err("NOT_FOUND", "模拟器不支持 "+r.Method+" "+r.URL.Path), delivery{}
}

// v3Order is the request body of codepay and native.
type v3Order struct {
	AppID       string `json:"appid"`
	MchID       string `json:"mchid"`
	Description string `json:"description"`
	OutTradeNo  string `json:"out_trade_no"`
	Attach      string `json:"attach"`
	TimeExpire  string `json:"time_expire"`
	Payer       struct {
		AuthCode string `json:"auth_code"`
	} `json:"payer"`
	Amount struct {
		Total    int64  `json:"total"`
		Currency string `json:"currency"`
	} `json:"amount"`
	SceneInfo struct {
		DeviceID string `json:"device_id"`
	} `json:"scene_info"`
}

// v3OutTradeNo is the v3 rule: 6–32 of digits, letters, _-|*.
var v3OutTradeNo = regexp.MustCompile(`^[0-9A-Za-z_\-|*]{6,32}$`)

// parseV3Order decodes and checks an order; a non-nil answer is a 400.
func (s *Sim) parseV3Order(body []byte) (v3Order, obj) {
	var o v3Order
	if err := json.Unmarshal(body, &o); err != nil {
		return o, v3Err("PARAM_ERROR", "请求体不是合法的 JSON："+err.Error())
	}
	cred := s.creds.WeChat
	switch {
	case o.MchID != cred.MchID || o.AppID != cred.AppID:
		return o, v3Err("PARAM_ERROR", "appid 和 mchid 不匹配")
	case o.Description == "" || len([]rune(o.Description)) > 127:
		return o, v3Err("PARAM_ERROR", "description 不能为空且不超过 127 个字符")
	case !v3OutTradeNo.MatchString(o.OutTradeNo):
		return o, v3Err("PARAM_ERROR", "out_trade_no 须为 6-32 位数字、大小写字母或 _-|*")
	case o.Amount.Total <= 0 || money.Fen(o.Amount.Total) > money.MaxFen:
		return o, v3Err("PARAM_ERROR", "amount.total 须为正整数（分）")
	case o.Amount.Currency != "" && o.Amount.Currency != "CNY":
		return o, v3Err("PARAM_ERROR", "amount.currency 只支持 CNY")
	}
	return o, nil
}

// v3Codepay is POST /v3/pay/transactions/codepay. The in-progress and
// system-error answers are not documented publicly (PROTOCOLS.md §2.3,
// [U]); the simulator answers 202 USERPAYING and 500 SYSTEM_ERROR.
func (s *Sim) v3Codepay(_ *http.Request, body []byte) (int, obj, delivery) {
	o, bad := s.parseV3Order(body)
	if bad != nil {
		return http.StatusBadRequest, bad, delivery{}
	}
	if o.Payer.AuthCode == "" {
		return http.StatusBadRequest, v3Err("PARAM_ERROR", "缺少 payer.auth_code"), delivery{}
	}
	res := s.payLocked(payReq{provider: WeChat, kind: kindCode, api: "v3", outTradeNo: o.OutTradeNo,
		authCode: o.Payer.AuthCode, amount: money.Fen(o.Amount.Total), subject: o.Description, attach: o.Attach,
		terminalID: o.SceneInfo.DeviceID})
	switch {
	case res.sys:
		return http.StatusInternalServerError, v3Err("SYSTEM_ERROR", "系统错误，请使用相同参数查单"), res.d
	case res.fail != fNone:
		status, code, msg := v3PayFailure(res.fail)
		return status, v3Err(code, msg), res.d
	case res.t.state == stWaiting:
		return http.StatusAccepted, v3Err("USERPAYING", "用户支付中，需要输入密码"), res.d
	}
	return http.StatusOK, s.v3Transaction(res.t), res.d
}

// v3PayFailure maps a refused v3 payment to its status and code.
func v3PayFailure(f failure) (int, string, string) {
	switch f {
	case fCodeInvalid:
		return http.StatusForbidden, "AUTH_CODE_INVALID", "付款码无效，请用户刷新后重新扫码"
	case fCodeExpired:
		return http.StatusForbidden, "AUTHCODEEXPIRE", "付款码已过期，请用户刷新后重新扫码"
	case fNotEnough:
		return http.StatusForbidden, "NOT_ENOUGH", "用户账户余额不足"
	case fRisk:
		return http.StatusForbidden, "TRADE_ERROR", "交易错误：用户账户异常或被风控拦截"
	case fRateLimited:
		return http.StatusTooManyRequests, "FREQUENCY_LIMITED", "请求频率过高，请稍后再试"
	case fOrderPaid:
		return http.StatusForbidden, "ORDERPAID", "订单已支付"
	case fOrderClosed:
		return http.StatusBadRequest, "ORDER_CLOSED", "订单已关闭"
	case fOrderReversed:
		return http.StatusForbidden, "ORDERREVERSED", "订单已撤销"
	case fInconsistent:
		return http.StatusForbidden, "OUT_TRADE_NO_USED", "商户订单号重复"
	}
	return http.StatusForbidden, "TRADE_ERROR", "支付失败"
}

// v3Native is POST /v3/pay/transactions/native: a code_url to show.
func (s *Sim) v3Native(_ *http.Request, body []byte) (int, obj, delivery) {
	o, bad := s.parseV3Order(body)
	if bad != nil {
		return http.StatusBadRequest, bad, delivery{}
	}
	ttl := s.cfg.Windows.WeChatQR
	if o.TimeExpire != "" {
		at, err := time.Parse(time.RFC3339, o.TimeExpire)
		if err != nil {
			return http.StatusBadRequest, v3Err("PARAM_ERROR", "time_expire 须为 RFC 3339 时间"), delivery{}
		}
		if d := at.Sub(s.now()); d < ttl {
			ttl = d
		}
	}
	res := s.createQRLocked(payReq{provider: WeChat, kind: kindQR, api: "v3", outTradeNo: o.OutTradeNo,
		amount: money.Fen(o.Amount.Total), subject: o.Description, attach: o.Attach}, ttl)
	switch {
	case res.sys:
		return http.StatusInternalServerError, v3Err("SYSTEM_ERROR", "系统错误"), res.d
	case res.fail != fNone:
		status, code, msg := v3PayFailure(res.fail)
		return status, v3Err(code, msg), res.d
	}
	return http.StatusOK, obj{{"code_url", res.t.qrCode}}, res.d
}

// v3Transaction is a trade as the v3 query returns it.
func (s *Sim) v3Transaction(t *trade) obj {
	cred := s.creds.WeChat
	state, desc := wechatState(t)
	o := obj{{"appid", cred.AppID}, {"mchid", cred.MchID}, {"out_trade_no", t.outTradeNo}}
	if t.state != stQRCreated && (t.kind == kindCode || !t.paidAt.IsZero()) {
		o = o.add("transaction_id", t.tradeNo)
	}
	o = append(o, field{"trade_type", v2TradeType(t)}, field{"trade_state", state}, field{"trade_state_desc", desc})
	amount := obj{{"total", int64(t.amount)}, {"currency", "CNY"}}
	if !t.paidAt.IsZero() {
		o = append(o, field{"bank_type", "OTHERS"}, field{"success_time", t.paidAt.In(beijing).Format(time.RFC3339)},
			field{"payer", obj{{"openid", s.userLocked(t.userID).openID}}})
		amount = append(amount, field{"payer_total", int64(t.amount)}, field{"payer_currency", "CNY"})
	}
	o = o.addNonEmpty("attach", t.attach)
	return o.add("amount", amount)
}

// v3Scripted applies an out_trade_no script to a call that is not a
// payment; a non-nil answer replaces the method's.
func (s *Sim) v3Scripted(no string) (int, obj, delivery, bool) {
	d, ok, sys, f := s.stepFor(no)
	switch {
	case f == fRateLimited:
		return http.StatusTooManyRequests, v3Err("FREQUENCY_LIMITED", "请求频率过高，请稍后再试"), d, false
	case !ok:
		return http.StatusInternalServerError, v3Err("SYSTEM_ERROR", "系统错误"), d, false
	}
	return 0, nil, d, sys
}

// checkMchID checks the mchid query parameter of a GET.
func (s *Sim) checkMchID(r *http.Request) obj {
	if r.URL.Query().Get("mchid") != s.creds.WeChat.MchID {
		return v3Err("PARAM_ERROR", "mchid 参数缺失或与签名商户号不一致")
	}
	return nil
}

// v3Query is GET …/out-trade-no/{no}?mchid= and …/id/{id}?mchid=.
func (s *Sim) v3Query(r *http.Request, _ []byte) (int, obj, delivery) {
	if bad := s.checkMchID(r); bad != nil {
		return http.StatusBadRequest, bad, delivery{}
	}
	no, id := r.PathValue("no"), r.PathValue("id")
	status, early, d, sys := s.v3Scripted(no)
	if early != nil {
		return status, early, d
	}
	t := s.queryLocked(WeChat, no, id)
	switch {
	case sys:
		return http.StatusInternalServerError, v3Err("SYSTEM_ERROR", "系统错误"), d
	case t == nil:
		return http.StatusNotFound, v3Err("ORDER_NOT_EXIST", "订单不存在"), d
	}
	return http.StatusOK, s.v3Transaction(t), d
}

// v3MchBody checks the {"mchid": …} body of close and reverse.
func (s *Sim) v3MchBody(body []byte) obj {
	var b struct {
		MchID string `json:"mchid"`
	}
	if err := json.Unmarshal(body, &b); err != nil || b.MchID != s.creds.WeChat.MchID {
		return v3Err("PARAM_ERROR", "请求体须为 {\"mchid\": 商户号}")
	}
	return nil
}

// v3Close is POST …/out-trade-no/{no}/close: 204 on success.
func (s *Sim) v3Close(r *http.Request, body []byte) (int, obj, delivery) {
	if bad := s.v3MchBody(body); bad != nil {
		return http.StatusBadRequest, bad, delivery{}
	}
	no := r.PathValue("no")
	status, early, d, sys := s.v3Scripted(no)
	if early != nil {
		return status, early, d
	}
	t := s.findLocked(WeChat, no, "")
	if t == nil {
		return http.StatusNotFound, v3Err("ORDER_NOT_EXIST", "订单不存在"), d
	}
	f := s.closeLocked(t)
	switch {
	case sys:
		return http.StatusInternalServerError, v3Err("SYSTEM_ERROR", "系统错误"), d
	case f != fNone:
		return http.StatusBadRequest, v3Err("ORDERPAID", "订单已支付，不能关闭"), d
	}
	return http.StatusNoContent, nil, d
}

// v3Reverse is POST …/out-trade-no/{no}/reverse (付款码撤销).
func (s *Sim) v3Reverse(r *http.Request, body []byte) (int, obj, delivery) {
	if bad := s.v3MchBody(body); bad != nil {
		return http.StatusBadRequest, bad, delivery{}
	}
	no := r.PathValue("no")
	status, early, d, sys := s.v3Scripted(no)
	if early != nil {
		return status, early, d
	}
	t := s.findLocked(WeChat, no, "")
	switch {
	case t == nil:
		return http.StatusNotFound, v3Err("ORDER_NOT_EXIST", "订单不存在"), d
	case t.kind != kindCode:
		return http.StatusBadRequest, v3Err("INVALID_REQUEST", "只能撤销付款码支付的订单，其他订单请关单"), d
	}
	_, f := s.reverseLocked(t, s.cfg.Windows.WeChatReverse)
	switch {
	case sys:
		return http.StatusInternalServerError, v3Err("SYSTEM_ERROR", "系统错误，请再次撤销"), d
	case f == fWindow:
		return http.StatusBadRequest, v3Err("REVERSE_EXPIRE", "订单已经超过撤销时间"), d
	case f != fNone:
		return http.StatusForbidden, v3Err("TRADE_ERROR", "订单已发生退款，不能撤销"), d
	}
	cred := s.creds.WeChat
	return http.StatusOK, obj{{"appid", cred.AppID}, {"mchid", cred.MchID}, {"out_trade_no", t.outTradeNo}}, d
}
