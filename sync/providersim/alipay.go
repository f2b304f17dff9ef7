package providersim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"zhanggui/pos/money"
)

// Alipay OpenAPI gateway (PROTOCOLS.md §1): POST /alipay/gateway.do with
// the parameters in the query string, the form body, or both.

const alipayTimeLayout = "2006-01-02 15:04:05"

// maxBody bounds every request body the simulator reads.
const maxBody = 1 << 20

// alipayMethod answers one method; it runs with s.mu held.
type alipayMethod func(s *Sim, biz *alipayBiz) (obj, delivery)

var alipayMethods = map[string]alipayMethod{
	"alipay.trade.pay":                               (*Sim).alipayPay,
	"alipay.trade.precreate":                         (*Sim).alipayPrecreate,
	"alipay.trade.query":                             (*Sim).alipayQuery,
	"alipay.trade.cancel":                            (*Sim).alipayCancel,
	"alipay.trade.close":                             (*Sim).alipayClose,
	"alipay.trade.refund":                            (*Sim).alipayRefund,
	"alipay.trade.fastpay.refund.query":              (*Sim).alipayRefundQuery,
	"alipay.data.dataservice.bill.downloadurl.query": (*Sim).alipayBillURL,
}

// alipayBiz holds the biz_content fields of every supported method.
type alipayBiz struct {
	OutTradeNo           string `json:"out_trade_no"`
	TradeNo              string `json:"trade_no"`
	Scene                string `json:"scene"`
	AuthCode             string `json:"auth_code"`
	Subject              string `json:"subject"`
	TotalAmount          yuan   `json:"total_amount"`
	StoreID              string `json:"store_id"`
	OperatorID           string `json:"operator_id"`
	TerminalID           string `json:"terminal_id"`
	TimeoutExpress       string `json:"timeout_express"`
	QRCodeTimeoutExpress string `json:"qr_code_timeout_express"`
	RefundAmount         yuan   `json:"refund_amount"`
	RefundReason         string `json:"refund_reason"`
	OutRequestNo         string `json:"out_request_no"`
	BillType             string `json:"bill_type"`
	BillDate             string `json:"bill_date"`

	host string // the request's Host, for download URLs
}

// yuan is an amount as Alipay sends it: a string "88.88", or a bare JSON
// number, kept as text so that no float ever holds it.
type yuan struct {
	raw string
	set bool
}

// UnmarshalJSON keeps the amount's text.
func (y *yuan) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		return nil
	case len(b) > 0 && b[0] == '"':
		y.set = true
		return json.Unmarshal(b, &y.raw)
	case len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9'):
		y.raw, y.set = string(b), true
		return nil
	}
	return fmt.Errorf("providersim: amount %s is neither a string nor a number", b)
}

// fen converts the amount exactly: at most two decimals, within
// [0.01, 100000000] yuan. ok is false for a bad form; inRange false for a
// well-formed amount out of range.
func (y yuan) fen() (f money.Fen, ok, inRange bool) {
	f, err := money.Parse(y.raw)
	if err != nil {
		return 0, false, false
	}
	return f, true, f >= 1 && f <= 100_000_000*money.Yuan
}

// handleAlipay serves the gateway.
func (s *Sim) handleAlipay(w http.ResponseWriter, r *http.Request) {
	params, err := alipayParams(r)
	method := params["method"]
	node := "error_response" // unknown methods answer here, unsigned
	if _, ok := alipayMethods[method]; ok {
		node = strings.ReplaceAll(method, ".", "_") + "_response"
	}
	var o obj
	var d delivery
	if err != nil {
		o = alipayErr("40002", "Invalid Arguments", "isv.invalid-parameter", err.Error())
	} else {
		o, d = s.alipayCall(params, r.Host)
	}
	s.deliver(w, r, d, func() { s.writeAlipay(w, node, o, d.badSig) })
}

// writeAlipay writes {"<node>":{…},"sign":"…"}: the node first, signed over
// its exact text (PROTOCOLS.md §1.3). error_response goes unsigned.
func (s *Sim) writeAlipay(w http.ResponseWriter, node string, o obj, badSig bool) {
	nodeJSON := o.appendJSON(nil)
	b := make([]byte, 0, len(nodeJSON)+len(node)+400)
	b = append(b, '{')
	b = appendJSONString(b, node)
	b = append(b, ':')
	b = append(b, nodeJSON...)
	if node != "error_response" {
		sig := signRSA(s.keys.alipay, nodeJSON)
		if badSig {
			sig = tamper(sig)
		}
		b = append(b, `,"sign":`...)
		b = appendJSONString(b, sig)
	}
	b = append(b, '}')
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	_, _ = w.Write(b) // the client's problem if it went away
}

// alipayParams merges the query string and the form body. A parameter in
// both must have one value.
func alipayParams(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return out, fmt.Errorf("bad query string: %v", err)
	}
	for k, v := range q {
		out[k] = v[0]
	}
	if r.Method != http.MethodPost {
		return out, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		return out, fmt.Errorf("read body: %v", err)
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return out, fmt.Errorf("content type %q: want application/x-www-form-urlencoded", ct)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return out, fmt.Errorf("bad form body: %v", err)
	}
	for k, v := range form {
		if old, dup := out[k]; dup && old != v[0] {
			return out, fmt.Errorf("parameter %s differs between query and body", k)
		}
		out[k] = v[0]
	}
	return out, nil
}

// alipaySignContent is the string an RSA2 request signature covers
// (PROTOCOLS.md §1.2): every parameter but sign, empty values dropped,
// sorted by key, joined raw as k=v&….
func alipaySignContent(params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k, v := range params {
		if k != "sign" && v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(params[k])
	}
	return b.String()
}

// alipayCall checks the common parameters and the signature, then runs
// the method under the lock.
func (s *Sim) alipayCall(params map[string]string, host string) (obj, delivery) {
	if o := s.alipayCheck(params); o != nil {
		return o, delivery{}
	}
	biz := &alipayBiz{host: host}
	if bc := params["biz_content"]; bc != "" {
		if err := json.Unmarshal([]byte(bc), biz); err != nil {
			return alipayErr("40002", "Invalid Arguments", "isv.invalid-parameter",
				"biz_content 不是合法的 JSON："+err.Error()), delivery{}
		}
	} else {
		return alipayErr("40001", "Missing Required Arguments", "isv.missing-biz-content", "缺少 biz_content 参数"), delivery{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return alipayMethods[params["method"]](s, biz)
}

// alipayCheck validates the system parameters and the RSA2 signature; nil
// means the request may run.
func (s *Sim) alipayCheck(p map[string]string) obj {
	missing := func(name string) obj {
		sub := strings.ReplaceAll(strings.ReplaceAll(name, "sign", "signature"), "_", "-")
		return alipayErr("40001", "Missing Required Arguments", "isv.missing-"+sub, "缺少必选参数 "+name)
	}
	invalid := func(sub, msg string) obj { return alipayErr("40002", "Invalid Arguments", sub, msg) }
	for _, name := range []string{"method", "app_id", "sign_type", "sign", "timestamp", "version"} {
		if p[name] == "" {
			return missing(name)
		}
	}
	switch {
	case alipayMethods[p["method"]] == nil:
		return invalid("isv.invalid-method", "不存在的方法名 "+p["method"])
	case p["app_id"] != s.creds.Alipay.AppID:
		return invalid("isv.invalid-app-id", "无效的AppID参数")
	case p["sign_type"] != "RSA2":
		return invalid("isv.invalid-signature-type", "无效的签名类型，只支持 RSA2")
	case p["charset"] != "" && !strings.EqualFold(p["charset"], "utf-8"):
		return invalid("isv.invalid-charset", "字符集错误，只支持 utf-8")
	case p["format"] != "" && !strings.EqualFold(p["format"], "JSON"):
		return invalid("isv.invalid-format", "无效的数据格式，只支持 JSON")
	case p["version"] != "1.0":
		return invalid("isv.invalid-version", "无效的版本号")
	}
	if _, err := time.ParseInLocation(alipayTimeLayout, p["timestamp"], beijing); err != nil {
		return invalid("isv.invalid-timestamp", "非法的时间戳参数")
	}
	content := alipaySignContent(p)
	if !verifyRSA(s.keys.alipayApp, []byte(content), p["sign"]) {
		return invalid("isv.invalid-signature", "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为："+content)
	}
	return nil
}

// alipayErr is a response with a non-success code.
func alipayErr(code, msg, sub, subMsg string) obj {
	return obj{{"code", code}, {"msg", msg}, {"sub_code", sub}, {"sub_msg", subMsg}}
}

// alipayFail is a 40004 business failure.
func alipayFail(sub, subMsg string) obj { return alipayErr("40004", "Business Failed", sub, subMsg) }

// alipaySuccess is a 10000 answer with fields.
func alipaySuccess(fields ...field) obj {
	return append(obj{{"code", "10000"}, {"msg", "Success"}}, fields...)
}

// alipaySystemError is the 20000 answer of an unknown outcome.
func alipaySystemError() obj {
	return alipayErr("20000", "Service Currently Unavailable", "isp.unknow-error", "系统繁忙")
}

// alipayRateLimited is the answer of a throttled call ([U] exact sub_code).
func alipayRateLimited() obj {
	return alipayErr("40005", "Call Limited", "aop.call-limited", "调用频次超限")
}
