package providersim

import (
	"bytes"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Asynchronous notifications (PROTOCOLS.md §1.7, §2.4): once a trade is
// paid, the simulator posts a notification to the merchant's notify URL,
// signed as the provider signs it:
//
//   - Alipay: a form of trade_status_sync parameters, RSA2 over the sorted
//     parameters without sign and sign_type; the merchant answers "success";
//   - WeChat Pay v3 (trades made over v3): a JSON event whose resource (the
//     transaction) is AES-256-GCM encrypted with the APIv3 key, signed in
//     the Wechatpay-* headers like a response; the merchant answers 200/204;
//   - WeChat Pay v2 (trades made over v2): signed XML; the merchant answers
//     <return_code>SUCCESS</return_code>.
//
// The real providers notify QR and web payments, and mostly not code
// payments; the simulator notifies every paid Alipay and WeChat trade when
// a URL is set, so that a till's notify path is exercised by all. The
// acquirer sends none.

// NotifyOptions configure notifications. The zero value sends none.
type NotifyOptions struct {
	// URLs are where each provider posts ("" or missing: no notifications).
	URLs map[Provider]string
	// Replay sends every notification this many extra times, after the
	// first was acknowledged: a provider's retries, a duplicate delivery.
	Replay int
	// Tamper spoils every notification: the signature (Alipay, v2, v3
	// header), as a forger or a damaged relay would.
	Tamper bool
	// Retries are the waits between deliveries the merchant did not
	// acknowledge (nil: no retry). PROTOCOLS.md: Alipay 4m,10m,10m,1h,2h,
	// 6h,15h; WeChat 15s,15s,30s,3m,10m,….
	Retries []time.Duration
	// Client posts them (nil: a client with a 5 s timeout).
	Client *http.Client
}

// notifier is the sending side; its own lock, never held with s.mu.
type notifier struct {
	mu       sync.Mutex
	opts     NotifyOptions
	inflight sync.WaitGroup
	sent     int // deliveries made
	acked    int // deliveries the merchant acknowledged
}

// SetNotify sets where and how notifications are sent, from now on.
func (s *Sim) SetNotify(o NotifyOptions) {
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 5 * time.Second}
	}
	s.notify.mu.Lock()
	defer s.notify.mu.Unlock()
	s.notify.opts = o
}

// WaitNotifications waits until every notification sent so far has been
// delivered (or given up), and returns how many deliveries were made and
// how many the merchant acknowledged.
func (s *Sim) WaitNotifications() (sent, acked int) {
	s.notify.inflight.Wait()
	s.notify.mu.Lock()
	defer s.notify.mu.Unlock()
	return s.notify.sent, s.notify.acked
}

// notification is one message, built under s.mu, sent without it.
type notification struct {
	url     string
	body    []byte
	header  http.Header
	ackedBy func(status int, body []byte) bool
}

// queueNotifyLocked sends the notification of t's payment, if a URL is
// set for its provider. Callers hold s.mu; the sending happens on its own
// goroutine, so a merchant answering by querying the simulator is fine.
func (s *Sim) queueNotifyLocked(t *trade) {
	s.notify.mu.Lock()
	o := s.notify.opts
	s.notify.mu.Unlock()
	u := o.URLs[t.provider]
	if u == "" {
		return
	}
	var n notification
	var err error
	switch {
	case t.provider == Alipay:
		n = s.alipayNotification(t, o.Tamper)
	case t.provider == WeChat && t.api == "v2":
		n = s.v2Notification(t, o.Tamper)
	case t.provider == WeChat:
		n, err = s.v3Notification(t, o.Tamper)
	default:
		return
	}
	if err != nil {
		return // only for a broken APIv3 key, checked at start
	}
	n.url = u
	s.notify.inflight.Add(1)
	go func() {
		defer s.notify.inflight.Done()
		s.sendNotification(n, o)
	}()
}

// sendNotification delivers n until acknowledged (then Replay times more),
// waiting o.Retries between unacknowledged tries.
func (s *Sim) sendNotification(n notification, o NotifyOptions) {
	for try := 0; ; try++ {
		if s.post(n, o.Client) {
			break
		}
		if try >= len(o.Retries) {
			return
		}
		time.Sleep(o.Retries[try])
	}
	for range o.Replay {
		s.post(n, o.Client)
	}
}

// post delivers n once and reports whether the merchant acknowledged it.
func (s *Sim) post(n notification, c *http.Client) bool {
	req, err := http.NewRequest(http.MethodPost, n.url, bytes.NewReader(n.body))
	if err != nil {
		return false
	}
	req.Header = n.header.Clone()
	ok := false
	if resp, err := c.Do(req); err == nil {
		var b bytes.Buffer
		_, _ = b.ReadFrom(resp.Body) // a short ack; a broken one is not an ack
		resp.Body.Close()
		ok = n.ackedBy(resp.StatusCode, b.Bytes())
	}
	s.notify.mu.Lock()
	defer s.notify.mu.Unlock()
	s.notify.sent++
	if ok {
		s.notify.acked++
	}
	return ok
}

// alipayNotification is a trade_status_sync form. Callers hold s.mu.
func (s *Sim) alipayNotification(t *trade, tamperSig bool) notification {
	cred := s.creds.Alipay
	u := s.userLocked(t.userID)
	p := map[string]string{
		"notify_time": s.now().In(beijing).Format(time.DateTime), "notify_type": "trade_status_sync",
		"notify_id": s.alnum(32, lowerAlnum), "app_id": cred.AppID, "charset": "utf-8", "version": "1.0",
		"sign_type": "RSA2", "trade_no": t.tradeNo, "out_trade_no": t.outTradeNo, "buyer_id": u.ID,
		"buyer_logon_id": u.logonID, "seller_id": cred.SellerID, "trade_status": s.alipayStatus(t),
		"total_amount": t.amount.String(), "receipt_amount": t.amount.String(), "subject": t.subject,
		"gmt_create": t.created.In(beijing).Format(time.DateTime), "gmt_payment": t.paidAt.In(beijing).Format(time.DateTime),
	}
	sig := signRSA(s.keys.alipay, []byte(alipayNotifyContent(p)))
	if tamperSig {
		sig = tamper(sig)
	}
	form := url.Values{}
	for k, v := range p {
		form.Set(k, v)
	}
	form.Set("sign", sig)
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}
	return notification{body: []byte(form.Encode()), header: h, ackedBy: func(status int, body []byte) bool {
		return status == http.StatusOK && string(body) == "success"
	}}
}

// alipayNotifyContent is what a notification's signature covers: every
// parameter but sign and sign_type, empty ones kept, sorted, k=v&….
func alipayNotifyContent(p map[string]string) string {
	keys := make([]string, 0, len(p))
	for k := range p {
		if k != "sign" && k != "sign_type" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k + "=" + p[k])
	}
	return b.String()
}

// v3Notification is a TRANSACTION.SUCCESS event. Callers hold s.mu.
func (s *Sim) v3Notification(t *trade, tamperSig bool) (notification, error) {
	plain := s.v3Transaction(t).appendJSON(nil)
	nonce := s.alnum(12, mixedAlnum)
	ct, err := encryptAES256GCM(s.creds.WeChat.APIv3Key, nonce, "transaction", plain)
	if err != nil {
		return notification{}, err
	}
	id := "EV-" + s.digits(21)
	body := obj{{"id", id}, {"create_time", s.now().In(beijing).Format(time.RFC3339)},
		{"resource_type", "encrypt-resource"}, {"event_type", "TRANSACTION.SUCCESS"}, {"summary", "支付成功"},
		{"resource", obj{{"original_type", "transaction"}, {"algorithm", "AEAD_AES_256_GCM"},
			{"ciphertext", ct}, {"associated_data", "transaction"}, {"nonce", nonce}}}}.appendJSON(nil)
	ts, sigNonce := strconv.FormatInt(s.now().Unix(), 10), s.alnum(32, upperAlnum)
	sig := signRSA(s.keys.wxPubKey, []byte(ts+"\n"+sigNonce+"\n"+string(body)+"\n"))
	if tamperSig {
		sig = tamper(sig)
	}
	h := http.Header{"Content-Type": {"application/json"}, "Wechatpay-Timestamp": {ts},
		"Wechatpay-Nonce": {sigNonce}, "Wechatpay-Serial": {s.creds.WeChat.PublicKeyID},
		"Wechatpay-Signature": {sig}, "Wechatpay-Signature-Type": {"WECHATPAY2-SHA256-RSA2048"}}
	return notification{body: body, header: h, ackedBy: func(status int, _ []byte) bool {
		return status == http.StatusOK || status == http.StatusNoContent
	}}, nil
}

// v2Notification is the v2 result notification (XML). Callers hold s.mu.
func (s *Sim) v2Notification(t *trade, tamperSig bool) notification {
	cred := s.creds.WeChat
	m := map[string]string{"return_code": "SUCCESS", "appid": cred.AppID, "mch_id": cred.MchID,
		"nonce_str": s.alnum(32, upperAlnum), "result_code": "SUCCESS", "openid": s.userLocked(t.userID).openID,
		"trade_type": v2TradeType(t), "bank_type": "OTHERS", "total_fee": strconv.FormatInt(int64(t.amount), 10),
		"cash_fee": strconv.FormatInt(int64(t.amount), 10), "transaction_id": t.tradeNo,
		"out_trade_no": t.outTradeNo, "time_end": t.paidAt.In(beijing).Format("20060102150405")}
	m["sign"] = v2Sign(m, cred.APIv2Key, signMD5)
	if tamperSig {
		m["sign"] = strings.Repeat("0", 32)
	}
	h := http.Header{"Content-Type": {"text/xml; charset=utf-8"}}
	return notification{body: writeV2XML(m), header: h, ackedBy: func(status int, body []byte) bool {
		return status == http.StatusOK && bytes.Contains(body, []byte("SUCCESS"))
	}}
}
