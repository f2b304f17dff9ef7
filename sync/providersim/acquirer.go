package providersim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhanggui/pos/money"
)

// The acquirer API (doc.go has the full description): UnionPay QR and
// e-CNY codes, and QuickPass cards, in one pay → query → reverse → refund
// shape; JSON over HTTP, HMAC-SHA256 signed both ways, amounts in fen.

const acquirerMount = "/acquirer"

// acqMethod answers one acquirer call with s.mu held.
type acqMethod func(s *Sim, body []byte) (obj, delivery)

func (s *Sim) acquirerRoutes(m *http.ServeMux) {
	for path, h := range map[string]acqMethod{
		"/v1/qr/pay":         (*Sim).acqQRPay,
		"/v1/qr/precreate":   (*Sim).acqQRPrecreate, // acquirer_qr.go
		"/v1/qr/close":       (*Sim).acqQRClose,
		"/v1/card/authorize": (*Sim).acqCardAuthorize,
		"/v1/card/capture":   (*Sim).acqCardCapture,
		"/v1/query":          (*Sim).acqQuery,
		"/v1/reverse":        (*Sim).acqReverse,
		"/v1/refund":         (*Sim).acqRefund,
		"/v1/refund/query":   (*Sim).acqRefundQuery,
	} {
		m.HandleFunc("POST "+acquirerMount+path, s.acq(h))
	}
	m.HandleFunc("POST "+acquirerMount+"/v1/bill", s.handleAcquirerBill) // acquirer_bill.go
}

// Acquirer response codes (ISO 8583 field 39 style; doc.go lists them).
const (
	acqOK          = "00" // the request was processed: read status
	acqDeclined    = "05" // do not honour: risk control
	acqInvalid     = "14" // invalid card number or payment code
	acqNoOrder     = "25" // no such order
	acqFormat      = "30" // bad request format or field
	acqCodeExpired = "33" // payment code expired
	acqNotEnough   = "51" // insufficient balance
	acqCardExpired = "54" // card expired
	acqExceeds     = "61" // exceeds the refundable amount
	acqRateLimited = "65" // too many requests
	acqBadState    = "12" // the order's state does not allow this
	acqDuplicate   = "94" // order_no or refund_no reused with other content
	acqSystem      = "96" // system malfunction: the outcome is unknown, query
	acqBadMAC      = "A0" // request signature (MAC) wrong
	acqCardAuth    = "Q1" // card authentication failed (ARQC/TC, ATC)
	acqWindow      = "R1" // past the reverse or refund window
)

var acqMessages = map[string]string{acqOK: "成功", acqDeclined: "不予承兑", acqInvalid: "无效卡号或付款码",
	acqNoOrder: "原交易不存在", acqFormat: "报文格式错误", acqCodeExpired: "付款码已过期", acqNotEnough: "余额不足",
	acqCardExpired: "卡已过期", acqExceeds: "超出可退金额", acqRateLimited: "请求过于频繁", acqBadState: "交易状态不允许",
	acqDuplicate: "重复交易", acqSystem: "系统故障，请查询", acqBadMAC: "签名错误", acqCardAuth: "卡片认证失败",
	acqWindow: "超过可撤销或可退款期限"}

// acqResp is an answer with only a code.
func acqResp(code, detail string) obj {
	msg := acqMessages[code]
	if detail != "" {
		msg += "：" + detail
	}
	return obj{{"resp_code", code}, {"resp_msg", msg}}
}

// acq wraps a method with the HMAC checks and a signed answer.
func (s *Sim) acq(m acqMethod) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
		if err != nil {
			s.writeAcq(w, http.StatusBadRequest, acqResp(acqFormat, "请求体过大"), false)
			return
		}
		if detail := s.acqVerify(r, body); detail != "" {
			s.writeAcq(w, http.StatusUnauthorized, acqResp(acqBadMAC, detail), false)
			return
		}
		s.mu.Lock()
		o, d := m(s, body)
		s.mu.Unlock()
		s.deliver(w, r, d, func() { s.writeAcq(w, http.StatusOK, o, d.badSig) })
	}
}

// acqMAC is hex(HMAC-SHA256(key, msg)).
func (s *Sim) acqMAC(msg string) string {
	m := hmac.New(sha256.New, s.keys.acquirer)
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// acqVerify checks X-Acq-Merchant, -Timestamp, -Nonce and -Signature; a
// non-empty result says what is wrong.
func (s *Sim) acqVerify(r *http.Request, body []byte) string {
	h := r.Header
	ts, err := strconv.ParseInt(h.Get("X-Acq-Timestamp"), 10, 64)
	switch {
	case h.Get("X-Acq-Merchant") != s.creds.Acquirer.MerchantID:
		return "X-Acq-Merchant 不是本商户号"
	case err != nil:
		return "X-Acq-Timestamp 须为秒级时间戳"
	case h.Get("X-Acq-Nonce") == "" || len(h.Get("X-Acq-Nonce")) > 32:
		return "X-Acq-Nonce 缺失或过长"
	}
	if skew := s.now().Sub(time.Unix(ts, 0)); skew > s.cfg.Windows.ClockSkew || -skew > s.cfg.Windows.ClockSkew {
		return "时间戳与服务器相差超过 5 分钟"
	}
	uri := r.URL.RequestURI()
	for _, path := range []string{strings.TrimPrefix(uri, acquirerMount), uri} {
		want := s.acqMAC(r.Method + "\n" + path + "\n" + h.Get("X-Acq-Timestamp") + "\n" + h.Get("X-Acq-Nonce") + "\n" + string(body) + "\n")
		if hmac.Equal([]byte(strings.ToLower(h.Get("X-Acq-Signature"))), []byte(want)) {
			return ""
		}
	}
	return "签名不符"
}

// writeAcq writes a signed answer.
func (s *Sim) writeAcq(w http.ResponseWriter, status int, o obj, badSig bool) {
	b := o.appendJSON(nil)
	ts, nonce := strconv.FormatInt(s.now().Unix(), 10), s.nonce()
	sig := s.acqMAC(ts + "\n" + nonce + "\n" + string(b) + "\n")
	if badSig {
		sig = strings.ToLower(tamperHex(strings.ToUpper(sig)))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Acq-Timestamp", ts)
	w.Header().Set("X-Acq-Nonce", nonce)
	w.Header().Set("X-Acq-Signature", sig)
	w.WriteHeader(status)
	_, _ = w.Write(b) // the client's problem if it went away
}

// acqRequest holds the fields of every acquirer call.
type acqRequest struct {
	OrderNo   string `json:"order_no"`
	RefundNo  string `json:"refund_no"`
	QRNo      string `json:"qr_no"`
	AmountFen int64  `json:"amount_fen"`
	Subject   string `json:"subject"`
	Reason    string `json:"reason"`
	StoreID   string `json:"store_id"`
	// cards
	PAN        string `json:"pan"`
	PANSeq     string `json:"pan_seq"`
	Expiry     string `json:"expiry"`
	ATC        string `json:"atc"`
	UN         string `json:"unpredictable_number"`
	TxnDate    string `json:"txn_date"`
	ARQC       string `json:"arqc"`
	TC         string `json:"tc"`
	ApprovedAt string `json:"approved_at"`
}

// parseAcq decodes a request; a non-nil answer is a format error.
func parseAcq(body []byte, needOrder bool) (acqRequest, obj) {
	var q acqRequest
	if err := json.Unmarshal(body, &q); err != nil {
		return q, acqResp(acqFormat, "请求体不是合法的 JSON")
	}
	if needOrder && (q.OrderNo == "" || len(q.OrderNo) > 32 || !v2OutTradeNo.MatchString(q.OrderNo)) {
		return q, acqResp(acqFormat, "order_no 须为 1-32 位数字、字母或 _-|*")
	}
	return q, nil
}

// acqOrder is an order answer: resp_code 00 and the order's state.
func (s *Sim) acqOrder(t *trade) obj {
	o := acqResp(acqOK, "")
	o = append(o, field{"order_no", t.outTradeNo}, field{"txn_no", t.tradeNo},
		field{"wallet", strings.ToUpper(string(t.provider))}, field{"status", acqStatus(t)},
		field{"amount_fen", int64(t.amount)}, field{"refunded_fen", int64(t.refunded)})
	if t.state == stFailed {
		o = append(o, field{"orig_resp_code", acqFailCode(t.failReason)})
	}
	if !t.paidAt.IsZero() {
		o = append(o, field{"paid_at", t.paidAt.In(beijing).Format(time.RFC3339)},
			field{"voucher_no", t.tradeNo[len(t.tradeNo)-6:]})
	}
	if t.card != nil {
		o = append(o, field{"masked_pan", MaskPAN(t.authCode)}, field{"entry", t.card.entry})
		o = o.addNonEmpty("auth_code", t.card.authCode).addNonEmpty("rrn", t.card.rrn).addNonEmpty("arpc", t.card.arpc)
	}
	return o
}

// acqStatus is the acquirer's name for a trade's state.
func acqStatus(t *trade) string {
	switch t.state {
	case stWaiting:
		return "PAYING"
	case stPaid:
		if t.refunded == t.amount {
			return "REFUNDED"
		}
		return "SUCCESS"
	case stClosed:
		return "CLOSED"
	case stReversed:
		return "REVERSED"
	case stFailed:
		return "FAILED"
	}
	return "NOTPAY"
}

// acqFailCode maps a refusal to a response code.
func acqFailCode(f failure) string {
	switch f {
	case fCodeInvalid:
		return acqInvalid
	case fCodeExpired:
		return acqCodeExpired
	case fNotEnough:
		return acqNotEnough
	case fRisk, fPasswordFailed:
		return acqDeclined
	case fRateLimited:
		return acqRateLimited
	case fOrderPaid, fInconsistent, fRefundDiscordant:
		return acqDuplicate
	case fOrderClosed, fOrderReversed, fBadState, fFullyRefunded, fRefundLimit, fRefundGap:
		return acqBadState
	case fWindow:
		return acqWindow
	case fRefundExceeds, fAmountRange:
		return acqExceeds
	case fCryptogram:
		return acqCardAuth
	case fExpiredCard:
		return acqCardExpired
	}
	return acqDeclined
}

// acqPayAnswer turns an engine answer into the acquirer's.
func (s *Sim) acqPayAnswer(res payRes) obj {
	switch {
	case res.sys:
		return acqResp(acqSystem, "")
	case res.repeat || res.fail == fNone:
		return s.acqOrder(res.t)
	case res.t != nil && res.t.state == stFailed && !res.repeat:
		o := acqResp(acqFailCode(res.fail), "")
		return append(o, field{"order_no", res.t.outTradeNo}, field{"txn_no", res.t.tradeNo}, field{"status", "FAILED"})
	}
	return acqResp(acqFailCode(res.fail), "")
}

// acqQRPay is POST /v1/qr/pay: a UnionPay (62…) or e-CNY (01…) code.
func (s *Sim) acqQRPay(body []byte) (obj, delivery) {
	q, bad := parseAcq(body, true)
	if bad != nil {
		return bad, delivery{}
	}
	p := ProviderOfCode(q.QRNo)
	switch {
	case q.AmountFen <= 0 || money.Fen(q.AmountFen) > money.MaxFen:
		return acqResp(acqFormat, "amount_fen 须为正整数（分）"), delivery{}
	case p != UnionPay && p != ECNY:
		return acqResp(acqInvalid, "qr_no 须为银联（62 开头 19 位）或数字人民币（01 开头 19 位）付款码"), delivery{}
	}
	res := s.payLocked(payReq{provider: p, kind: kindCode, outTradeNo: q.OrderNo, authCode: q.QRNo,
		amount: money.Fen(q.AmountFen), subject: q.Subject, storeID: q.StoreID})
	return s.acqPayAnswer(res), res.d
}

// acqScripted applies an out_trade_no script to a call that is not a
// payment; a non-nil answer replaces the method's.
func (s *Sim) acqScripted(no string) (obj, delivery, bool) {
	d, ok, sys, f := s.stepFor(no)
	switch {
	case f == fRateLimited:
		return acqResp(acqRateLimited, ""), d, false
	case !ok:
		return acqResp(acqSystem, ""), d, false
	}
	return nil, d, sys
}

// acqQuery is POST /v1/query {order_no}.
func (s *Sim) acqQuery(body []byte) (obj, delivery) {
	q, bad := parseAcq(body, true)
	if bad != nil {
		return bad, delivery{}
	}
	early, d, sys := s.acqScripted(q.OrderNo)
	if early != nil {
		return early, d
	}
	t := s.queryLocked(UnionPay, q.OrderNo, "")
	switch {
	case sys:
		return acqResp(acqSystem, ""), d
	case t == nil:
		return acqResp(acqNoOrder, ""), d
	}
	return s.acqOrder(t), d
}

// acqReverse is POST /v1/reverse {order_no}: close unpaid, give back paid,
// within Windows.AcquirerReverse.
func (s *Sim) acqReverse(body []byte) (obj, delivery) {
	q, bad := parseAcq(body, true)
	if bad != nil {
		return bad, delivery{}
	}
	early, d, sys := s.acqScripted(q.OrderNo)
	if early != nil {
		return early, d
	}
	t := s.findLocked(UnionPay, q.OrderNo, "")
	if t == nil {
		return acqResp(acqNoOrder, ""), d
	}
	_, f := s.reverseLocked(t, s.cfg.Windows.AcquirerReverse)
	switch {
	case sys:
		return acqResp(acqSystem, ""), d
	case f != fNone:
		return acqResp(acqFailCode(f), ""), d
	}
	return s.acqOrder(t), d
}

// acqRefund is POST /v1/refund {order_no, refund_no, amount_fen}.
func (s *Sim) acqRefund(body []byte) (obj, delivery) {
	q, bad := parseAcq(body, true)
	switch {
	case bad != nil:
		return bad, delivery{}
	case q.RefundNo == "" || len(q.RefundNo) > 64:
		return acqResp(acqFormat, "refund_no 缺失或过长"), delivery{}
	case q.AmountFen <= 0:
		return acqResp(acqFormat, "amount_fen 须为正整数（分）"), delivery{}
	}
	early, d, sys := s.acqScripted(q.OrderNo)
	if early != nil {
		return early, d
	}
	t := s.findLocked(UnionPay, q.OrderNo, "")
	if t == nil {
		return acqResp(acqNoOrder, ""), d
	}
	r, _, f := s.refundLocked(t, refundReq{outRefundNo: q.RefundNo, amount: money.Fen(q.AmountFen), reason: q.Reason,
		window: s.cfg.Windows.AcquirerRefund, global: true})
	switch {
	case sys:
		return acqResp(acqSystem, ""), d
	case f != fNone:
		return acqResp(acqFailCode(f), ""), d
	}
	return s.acqRefundObj(r), d
}

func (s *Sim) acqRefundObj(r *refund) obj {
	return append(acqResp(acqOK, ""), field{"order_no", r.t.outTradeNo}, field{"refund_no", r.outRefundNo},
		field{"refund_txn_no", r.refundNo}, field{"status", "SUCCESS"}, field{"amount_fen", int64(r.amount)},
		field{"refunded_at", r.at.In(beijing).Format(time.RFC3339)})
}

// acqRefundQuery is POST /v1/refund/query {refund_no}.
func (s *Sim) acqRefundQuery(body []byte) (obj, delivery) {
	q, bad := parseAcq(body, false)
	if bad != nil {
		return bad, delivery{}
	}
	r := s.refunds[refundKey{"acquirer", q.RefundNo}]
	if r == nil {
		return acqResp(acqNoOrder, "退款单不存在"), delivery{}
	}
	return s.acqRefundObj(r), delivery{}
}
