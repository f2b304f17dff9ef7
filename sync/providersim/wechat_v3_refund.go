package providersim

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"zhanggui/pos/money"
)

// v3 refunds, trade bill and platform certificates.

// v3RefundRequest is the body of POST /v3/refund/domestic/refunds.
type v3RefundRequest struct {
	TransactionID string `json:"transaction_id"`
	OutTradeNo    string `json:"out_trade_no"`
	OutRefundNo   string `json:"out_refund_no"`
	Reason        string `json:"reason"`
	Amount        struct {
		Refund   int64  `json:"refund"`
		Total    int64  `json:"total"`
		Currency string `json:"currency"`
	} `json:"amount"`
}

// v3Refund is POST /v3/refund/domestic/refunds. A new refund answers
// PROCESSING ("the answer only says it was accepted"); a repeat and the
// refund query answer SUCCESS.
func (s *Sim) v3Refund(_ *http.Request, body []byte) (int, obj, delivery) {
	q, bad := parseV3Refund(body)
	if bad != nil {
		return http.StatusBadRequest, bad, delivery{}
	}
	status, early, d, sys := s.v3Scripted(q.OutTradeNo)
	if early != nil {
		return status, early, d
	}
	t := s.findLocked(WeChat, q.OutTradeNo, q.TransactionID)
	switch {
	case t == nil:
		return http.StatusNotFound, v3Err("RESOURCE_NOT_EXISTS", "订单不存在"), d
	case money.Fen(q.Amount.Total) != t.amount:
		return http.StatusBadRequest, v3Err("PARAM_ERROR", "amount.total 与原订单金额不一致"), d
	}
	r, isNew, f := s.refundLocked(t, s.wechatRefundReq(q.OutRefundNo, money.Fen(q.Amount.Refund), q.Reason))
	switch {
	case sys:
		return http.StatusInternalServerError, v3Err("SYSTEM_ERROR", "系统超时，请使用相同参数再次调用"), d
	case f == fRefundGap:
		return http.StatusTooManyRequests, v3Err("FREQUENCY_LIMITED", "同一笔订单的退款请求须间隔1分钟"), d
	case f == fWindow:
		return http.StatusBadRequest, v3Err("INVALID_REQUEST", "订单已经超过退款期限"), d
	case f != fNone:
		return http.StatusBadRequest, v3Err("INVALID_REQUEST", wechatRefundReason(f)), d
	}
	return http.StatusOK, s.v3RefundObj(r, isNew), d
}

// parseV3Refund decodes and checks a refund; a non-nil answer is a 400.
func parseV3Refund(body []byte) (v3RefundRequest, obj) {
	var q v3RefundRequest
	if err := json.Unmarshal(body, &q); err != nil {
		return q, v3Err("PARAM_ERROR", "请求体不是合法的 JSON："+err.Error())
	}
	switch {
	case q.OutTradeNo == "" && q.TransactionID == "":
		return q, v3Err("PARAM_ERROR", "transaction_id 和 out_trade_no 须传一个")
	case q.OutRefundNo == "" || len(q.OutRefundNo) > 64:
		return q, v3Err("PARAM_ERROR", "out_refund_no 缺失或过长")
	case q.Amount.Refund <= 0 || q.Amount.Total <= 0 || q.Amount.Currency != "CNY":
		return q, v3Err("PARAM_ERROR", "amount.refund、amount.total 须为正整数（分），currency 为 CNY")
	}
	return q, nil
}

// v3RefundObj is a Refund; processing for the answer to a new refund.
func (s *Sim) v3RefundObj(r *refund, processing bool) obj {
	t := r.t
	at := r.at.In(beijing).Format(time.RFC3339)
	o := obj{{"refund_id", r.refundNo}, {"out_refund_no", r.outRefundNo}, {"transaction_id", t.tradeNo},
		{"out_trade_no", t.outTradeNo}, {"channel", "ORIGINAL"}, {"user_received_account", "支付用户零钱"}}
	if processing {
		o = append(o, field{"create_time", at}, field{"status", "PROCESSING"})
	} else {
		o = append(o, field{"success_time", at}, field{"create_time", at}, field{"status", "SUCCESS"})
	}
	amt := obj{{"total", int64(t.amount)}, {"refund", int64(r.amount)}, {"from", []obj{}},
		{"payer_total", int64(t.amount)}, {"payer_refund", int64(r.amount)}, {"settlement_refund", int64(r.amount)},
		{"settlement_total", int64(t.amount)}, {"discount_refund", int64(0)}, {"currency", "CNY"},
		{"refund_fee", int64(r.fee)}}
	return append(o, field{"funds_account", "AVAILABLE"}, field{"amount", amt})
}

// v3RefundQuery is GET /v3/refund/domestic/refunds/{out_refund_no}.
func (s *Sim) v3RefundQuery(r *http.Request, _ []byte) (int, obj, delivery) {
	rf := s.refunds[refundKey{"wechat", r.PathValue("no")}]
	if rf == nil {
		return http.StatusNotFound, v3Err("RESOURCE_NOT_EXISTS", "退款单不存在"), delivery{}
	}
	return http.StatusOK, s.v3RefundObj(rf, false), delivery{}
}

// v3TradeBill is GET /v3/bill/tradebill: a download_url for the day's
// bill, valid Windows.WeChatBillURL, with the SHA1 of the plain text.
func (s *Sim) v3TradeBill(r *http.Request, _ []byte) (int, obj, delivery) {
	q := r.URL.Query()
	text, gz, msg := s.wechatBill(q.Get("bill_date"), "2006-01-02", q.Get("bill_type"), q.Get("tar_type"))
	switch {
	case msg == "No Bill Exist":
		return http.StatusBadRequest, v3Err("NO_STATEMENT_EXIST", "该日期账单不存在或尚未生成"), delivery{}
	case msg != "":
		return http.StatusBadRequest, v3Err("PARAM_ERROR", msg), delivery{}
	}
	f := &billFile{data: []byte(text), contentType: "text/plain; charset=utf-8", name: q.Get("bill_date") + ".csv",
		expires: s.now().Add(s.cfg.Windows.WeChatBillURL)}
	if gz != nil {
		f.data, f.contentType, f.name = gz, "application/x-gzip", f.name+".gz"
	}
	sum := sha1.Sum([]byte(text))
	u := "http://" + r.Host + wechatMount + "/v3/billdownload/file?" + url.Values{"token": {s.putBill(f)}}.Encode()
	return http.StatusOK, obj{{"hash_type", "SHA1"}, {"hash_value", hex.EncodeToString(sum[:])}, {"download_url", u}}, delivery{}
}

// handleV3BillDownload serves a download_url: the request must be signed,
// the answer is not (PROTOCOLS.md §2.2).
func (s *Sim) handleV3BillDownload(w http.ResponseWriter, r *http.Request) {
	if msg := s.v3Verify(r, nil); msg != "" {
		s.writeV3(w, r, http.StatusUnauthorized, v3Err("SIGN_ERROR", msg), false)
		return
	}
	f := s.takeBill(r.URL.Query().Get("token"))
	if f == nil {
		s.writeV3(w, r, http.StatusNotFound, v3Err("RESOURCE_NOT_EXISTS", "下载链接不存在或已过期"), false)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	_, _ = w.Write(f.data) // the client's problem if it went away
}

// v3Certificates is GET /v3/certificates: the platform certificate,
// AES-256-GCM encrypted with the APIv3 key. Its answer is signed in
// certificate mode whatever the client asked, since a client calls it to
// learn the certificate.
func (s *Sim) v3Certificates(r *http.Request, _ []byte) (int, obj, delivery) {
	cred := s.creds.WeChat
	nonce := s.alnum(12, mixedAlnum)
	ct, err := encryptAES256GCM(cred.APIv3Key, nonce, "certificate", []byte(cred.PlatformCertPEM))
	if err != nil {
		return http.StatusInternalServerError, v3Err("SYSTEM_ERROR", "加密证书失败："+err.Error()), delivery{}
	}
	r.Header.Set("Wechatpay-Serial", cred.PlatformSerial)
	c := s.keys.wxPlatformCert
	return http.StatusOK, obj{{"data", []obj{{
		{"serial_no", cred.PlatformSerial},
		{"effective_time", c.NotBefore.In(beijing).Format(time.RFC3339)},
		{"expire_time", c.NotAfter.In(beijing).Format(time.RFC3339)},
		{"encrypt_certificate", obj{{"algorithm", "AEAD_AES_256_GCM"}, {"nonce", nonce},
			{"associated_data", "certificate"}, {"ciphertext", ct}}},
	}}}}, delivery{}
}
