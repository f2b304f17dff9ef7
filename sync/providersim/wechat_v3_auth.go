package providersim

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rsa"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// WeChat Pay v3 authentication (PROTOCOLS.md §2.2): the request carries
// Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,
// timestamp=…,serial_no=…,signature=…, a SHA256withRSA signature of
// METHOD\nCANONICAL_URL\nTIMESTAMP\nNONCE\nBODY\n by the merchant key; the
// answer carries Wechatpay-Timestamp/Nonce/Signature/Serial signed over
// TIMESTAMP\nNONCE\nBODY\n by the platform key (certificate mode) or the
// WeChat Pay public key (public-key mode).

const v3Schema = "WECHATPAY2-SHA256-RSA2048"

// wechatMount is where the simulator serves WeChat Pay; the real API has
// no prefix, so signatures cover the path without it.
const wechatMount = "/wechat"

// parseV3Auth reads the fields of an Authorization header.
func parseV3Auth(h string) (map[string]string, bool) {
	rest, ok := strings.CutPrefix(h, v3Schema+" ")
	if !ok {
		return nil, false
	}
	out := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
			return nil, false
		}
		out[k] = v[1 : len(v)-1]
	}
	return out, true
}

// v3Verify authenticates a request; a non-empty message means 401
// SIGN_ERROR. The canonical URL is the path and query without the
// simulator's /wechat mount; a client that signed the full path it sent
// is accepted too.
func (s *Sim) v3Verify(r *http.Request, body []byte) string {
	a, ok := parseV3Auth(r.Header.Get("Authorization"))
	if !ok {
		return "Authorization 头缺失或格式错误，须为 " + v3Schema + " mchid=\"…\",nonce_str=\"…\",timestamp=\"…\",serial_no=\"…\",signature=\"…\""
	}
	ts, err := strconv.ParseInt(a["timestamp"], 10, 64)
	switch {
	case a["mchid"] != s.creds.WeChat.MchID:
		return "商户号 mchid 与签名不匹配"
	case a["serial_no"] != s.creds.WeChat.MerchantSerial:
		return "商户API证书序列号 serial_no 错误"
	case a["nonce_str"] == "" || len(a["nonce_str"]) > 32:
		return "nonce_str 缺失或过长"
	case err != nil:
		return "timestamp 须为秒级时间戳"
	}
	if skew := s.now().Sub(time.Unix(ts, 0)); skew > s.cfg.Windows.ClockSkew || -skew > s.cfg.Windows.ClockSkew {
		return "请求时间戳与服务器时间相差超过 5 分钟"
	}
	uri := r.URL.RequestURI()
	for _, canonical := range []string{strings.TrimPrefix(uri, wechatMount), uri} {
		msg := r.Method + "\n" + canonical + "\n" + a["timestamp"] + "\n" + a["nonce_str"] + "\n" + string(body) + "\n"
		if verifyRSA(s.keys.wxMerchant, []byte(msg), a["signature"]) {
			return ""
		}
	}
	return "签名错误，请检查签名串 " + r.Method + "\\n" + strings.TrimPrefix(uri, wechatMount) + "\\n…"
}

// v3Signer picks the key that signs an answer: the one whose serial the
// client named in Wechatpay-Serial, else public-key mode, the mode of
// merchants since 2024.
func (s *Sim) v3Signer(r *http.Request) (serial string, key *rsa.PrivateKey) {
	if r.Header.Get("Wechatpay-Serial") == s.creds.WeChat.PlatformSerial {
		return s.creds.WeChat.PlatformSerial, s.keys.wxPlatform
	}
	return s.creds.WeChat.PublicKeyID, s.keys.wxPubKey
}

// writeV3 writes a signed answer. A nil body with 204 writes no body (and
// signs the empty string).
func (s *Sim) writeV3(w http.ResponseWriter, r *http.Request, status int, body obj, badSig bool) {
	var b []byte
	if body != nil {
		b = body.appendJSON(nil)
	}
	ts, nonce := strconv.FormatInt(s.now().Unix(), 10), s.nonce()
	serial, key := s.v3Signer(r)
	sig := signRSA(key, []byte(ts+"\n"+nonce+"\n"+string(b)+"\n"))
	if badSig {
		sig = tamper(sig)
	}
	h := w.Header()
	h.Set("Request-ID", "08"+strings.ToUpper(nonce))
	h.Set("Wechatpay-Timestamp", ts)
	h.Set("Wechatpay-Nonce", nonce)
	h.Set("Wechatpay-Serial", serial)
	h.Set("Wechatpay-Signature", sig)
	if b != nil {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(status)
	_, _ = w.Write(b) // the client's problem if it went away
}

// v3Err is a v3 error body.
func v3Err(code, message string) obj { return obj{{"code", code}, {"message", message}} }

// encryptAES256GCM encrypts a resource for /v3/certificates and notifies:
// key the APIv3 key, nonce a 12-byte string, ciphertext‖tag in base64.
func encryptAES256GCM(key, nonce, aad string, plaintext []byte) (string, error) {
	block, err := aes.NewCipher([]byte(key))
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(gcm.Seal(nil, []byte(nonce), plaintext, []byte(aad))), nil
}
