package wechatpay

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// Asynchronous notifications (PROTOCOLS.md §2.4). v3: a JSON event signed
// in the Wechatpay-* headers like an answer, whose resource (the
// transaction) is AES-256-GCM encrypted with the APIv3 key; acknowledged
// with 204 and no body. v2: signed XML, acknowledged with
// <return_code>SUCCESS</return_code>. Both arrive at the same URL; the
// headers tell them apart.

// ErrNotification means a notification failed verification: bad or
// missing signature, stale timestamp, undecryptable resource, another
// merchant's, or malformed.
var ErrNotification = errors.New("wechatpay: notification does not verify")

// maxNotification bounds a notification body: a few KB in practice.
const maxNotification = 64 << 10

// Notifier verifies notifications for a Client: v2 ones with its APIv2 key,
// v3 ones with its WeChat Pay public key and the APIv3 key.
type Notifier struct {
	c        *Client
	apiV3Key string
}

// Notifier returns a verifier of c's notifications. apiV3Key is the
// merchant's 32-character APIv3 key ("" refuses v3 notifications).
func (c *Client) Notifier(apiV3Key string) (*Notifier, error) {
	if apiV3Key != "" && len(apiV3Key) != 32 {
		return nil, errors.New("wechatpay: config: the APIv3 key must have 32 characters")
	}
	return &Notifier{c: c, apiV3Key: apiV3Key}, nil
}

// VerifyNotify reads and verifies a notification request. It returns the
// out_trade_no and the order as the notification states it (Success for a
// paid order). Any error means the notification must be ignored.
func (n *Notifier) VerifyNotify(r *http.Request) (string, pos.ProviderResult, error) {
	if r.Method != http.MethodPost {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: method %s", ErrNotification, r.Method)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxNotification+1))
	if err != nil || len(body) > maxNotification {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: body: %v", ErrNotification, err)
	}
	if r.Header.Get("Wechatpay-Signature") != "" || r.Header.Get("Wechatpay-Timestamp") != "" {
		return n.verifyV3(r.Header, body)
	}
	return n.verifyV2(body)
}

// notifyEvent is a v3 notification's body.
type notifyEvent struct {
	ID        string `json:"id"`
	EventType string `json:"event_type"`
	Resource  struct {
		Algorithm      string `json:"algorithm"`
		Ciphertext     string `json:"ciphertext"`
		AssociatedData string `json:"associated_data"`
		Nonce          string `json:"nonce"`
	} `json:"resource"`
}

// notifyTransaction is the decrypted resource of a payment notification.
type notifyTransaction struct {
	MchID         string `json:"mchid"`
	OutTradeNo    string `json:"out_trade_no"`
	TransactionID string `json:"transaction_id"`
	TradeState    string `json:"trade_state"`
	Payer         struct {
		OpenID string `json:"openid"`
	} `json:"payer"`
	Amount struct {
		Total int64 `json:"total"`
	} `json:"amount"`
}

// verifyV3 checks the signature, then decrypts and reads the transaction.
func (n *Notifier) verifyV3(h http.Header, body []byte) (string, pos.ProviderResult, error) {
	if n.c.v3 == nil || n.apiV3Key == "" {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: v3 is not configured", ErrNotification)
	}
	if err := n.c.verifyV3(h, body); err != nil {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: %w", ErrNotification, err)
	}
	var ev notifyEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: event: %v", ErrNotification, err)
	}
	if ev.Resource.Algorithm != "AEAD_AES_256_GCM" {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: algorithm %q", ErrNotification, ev.Resource.Algorithm)
	}
	plain, err := decryptAES256GCM(n.apiV3Key, ev.Resource.Nonce, ev.Resource.AssociatedData, ev.Resource.Ciphertext)
	if err != nil {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: resource: %v", ErrNotification, err)
	}
	var t notifyTransaction
	if err := json.Unmarshal(plain, &t); err != nil {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: transaction: %v", ErrNotification, err)
	}
	if t.MchID != n.c.cfg.MchID || t.OutTradeNo == "" || t.Amount.Total <= 0 || money.Fen(t.Amount.Total) > money.MaxFen {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: transaction of %q for %q", ErrNotification, t.MchID, t.OutTradeNo)
	}
	res := pos.ProviderResult{Status: pos.StatusUnknown, TradeNo: t.TransactionID, Buyer: maskOpenID(t.Payer.OpenID),
		Amount: money.Fen(t.Amount.Total), Code: t.TradeState}
	if t.TradeState == "SUCCESS" && ev.EventType == "TRANSACTION.SUCCESS" {
		res.Status = pos.StatusSuccess
	}
	return t.OutTradeNo, res, nil
}

// verifyV2 checks a v2 notification's sign (its sign_type, MD5 by default).
func (n *Notifier) verifyV2(body []byte) (string, pos.ProviderResult, error) {
	m, err := parseXML(body)
	if err != nil {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: %v", ErrNotification, err)
	}
	st := m["sign_type"]
	if st == "" {
		st = SignMD5
	}
	if err := verifyV2(m, n.c.cfg.APIv2Key, st); err != nil {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: %w", ErrNotification, err)
	}
	if m["mch_id"] != n.c.cfg.MchID || m["appid"] != n.c.cfg.AppID || m["out_trade_no"] == "" {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: order %q of %q", ErrNotification, m["out_trade_no"], m["mch_id"])
	}
	if m["return_code"] != "SUCCESS" || m["result_code"] != "SUCCESS" {
		return m["out_trade_no"], pos.ProviderResult{Status: pos.StatusUnknown, Code: code(m)}, nil
	}
	res, err := paid("notify", m["out_trade_no"], m)
	if err != nil {
		return "", pos.ProviderResult{}, fmt.Errorf("%w: %w", ErrNotification, err)
	}
	return m["out_trade_no"], res, nil
}

// decryptAES256GCM opens a v3 resource: key the APIv3 key, a 12-byte
// nonce, ciphertext‖tag in base64.
func decryptAES256GCM(key, nonce, aad, ciphertext string) ([]byte, error) {
	ct, err := base64.StdEncoding.DecodeString(ciphertext)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher([]byte(key))
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	if len(nonce) != gcm.NonceSize() {
		return nil, fmt.Errorf("nonce of %d bytes", len(nonce))
	}
	return gcm.Open(nil, []byte(nonce), ct, []byte(aad))
}

// AckNotify answers a notification. Taken: 200 with the v2 XML
// <return_code>SUCCESS</return_code>, which v3 reads as taken too (any
// 200 is). Refused: 400 with the v3 error body; v2 sees no SUCCESS in it.
// Either way WeChat Pay sends a refused one again later.
func (n *Notifier) AckNotify(w http.ResponseWriter, err error) {
	if err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"code":"FAIL","message":"失败"}`) // the provider's problem if it went away
		return
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, _ = w.Write(encodeXML(map[string]string{"return_code": "SUCCESS", "return_msg": "OK"}))
}
