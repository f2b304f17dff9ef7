package app

import (
	"cmp"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhanggui/pos"
	"zhanggui/sync/alipay"
	"zhanggui/sync/unionpay"
	"zhanggui/sync/wechatpay"
)

// testConnection checks a channel end to end without moving money: it
// queries an order number nobody ever used. A signed "no such order"
// proves the gateway address, the IDs, the till's private or API key (the
// provider accepted the signature) and the provider's key (its signature
// verified). A WeChat v3 channel also gets the same query over v3, which
// proves the v3 keys. The channel is tested as if enabled, whatever its
// Enabled says.
//
// Errors: the CodeInvalid *pos.ChannelError of Validate or of the key
// checks, or a pos.ConnectionFailed error whose Fault says where to look.
func testConnection(ctx context.Context, c pos.ChannelConfig) error {
	c.Enabled = true
	client, err := newChannelClient(c) // Validate and the key checks first
	if err != nil {
		return fmt.Errorf("app: test %s: %w", c.Provider, err)
	}
	no := probeTradeNo()
	res, err := client.Query(ctx, no)
	if err := queryOutcome(c.Provider, res, err); err != nil {
		return fmt.Errorf("app: test %s with order %s: %w", c.Provider, no, err)
	}
	if c.Provider == pos.Wechat && c.WeChatAPI == "v3" {
		if err := probeWechatV3(ctx, wechatConfig(c), no); err != nil {
			return fmt.Errorf("app: test %s v3 with order %s: %w", c.Provider, no, err)
		}
	}
	return nil
}

// probeTradeNo is an out_trade_no no payment ever has: payments use
// 32-hex-digit UUIDs, this starts with ZGTEST.
func probeTradeNo() string {
	b := make([]byte, 13)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return "ZGTEST" + hex.EncodeToString(b)
}

// queryOutcome turns a client's answer to the probe query into the
// fault the owner must look at. A nil error from the client is a signed,
// definite answer: the channel works.
func queryOutcome(p pos.Provider, res pos.ProviderResult, err error) error {
	if err == nil {
		return nil
	}
	return pos.ConnectionFailed(p, faultOf(res.Code, err), res.Code, err)
}

// faultOf classifies a client's error (the clients' sentinels and codes;
// PROTOCOLS.md §1.4, §2.4).
func faultOf(code string, err error) pos.Fault {
	var ue *url.Error
	switch {
	case badCertificate(err):
		return pos.FaultNotGateway // an https server that is not the provider, or a proxy in between
	case errors.As(err, &ue), errors.Is(err, context.DeadlineExceeded), isNetError(err):
		return pos.FaultUnreachable
	case isAny(err, alipay.ErrBadSignature, alipay.ErrUnsigned, wechatpay.ErrBadSignature, wechatpay.ErrUnsigned,
		unionpay.ErrBadSignature, unionpay.ErrUnsigned):
		return pos.FaultUntrusted
	case isAny(err, alipay.ErrSystemError, wechatpay.ErrSystemError, unionpay.ErrSystemError) || busyCode(code):
		return pos.FaultBusy
	case isAny(err, alipay.ErrHTTPStatus, alipay.ErrMalformed, wechatpay.ErrHTTPStatus, wechatpay.ErrMalformed,
		unionpay.ErrHTTPStatus, unionpay.ErrMalformed):
		return pos.FaultNotGateway
	}
	// WeChat's unsigned FAIL (a bad sign or mch_id), or a signed refusal
	// (Alipay 40002 isv.invalid-signature, the acquirer's A0).
	return pos.FaultRefused
}

func isAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}

func isNetError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}

func badCertificate(err error) bool {
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci)
}

// busyCode reports the providers' "busy, try later" codes: Alipay 20000,
// 40005 and ACQ.SYSTEM_ERROR; WeChat SYSTEMERROR, BANKERROR and rate
// limits; the acquirer's 96 and 65.
func busyCode(code string) bool {
	for _, w := range strings.Fields(code) {
		switch w {
		case "20000", "40005", "ACQ.SYSTEM_ERROR", "SYSTEMERROR", "SYSTEM_ERROR", "BANKERROR",
			"FREQUENCY_LIMITED", "RATELIMIT_EXCEEDED", "96", "65", "429", "500", "502", "503", "504":
			return true
		}
	}
	return false
}

// probeWechatV3 queries order no over v3 (GET /v3/pay/transactions/
// out-trade-no/{no}?mchid=…) and wants a signed 404 ORDER_NOT_EXIST.
//
// sync/wechatpay's client has no v3 query (it polls over v2), so this is a
// second, minimal v3 signer (PROTOCOLS.md §2.2). wechatpay-go cannot stand
// in: it returns error answers without verifying their signature, and a
// 404 from anyone would pass.
func probeWechatV3(ctx context.Context, cfg wechatpay.Config, no string) error {
	key, err := parseRSAPrivate(cfg.MerchantPrivateKeyPEM)
	if err != nil {
		return pos.ConnectionFailed(pos.Wechat, pos.FaultRefused, "", err)
	}
	pub, err := parseRSAPublic(cfg.WechatPayPublicKeyPEM)
	if err != nil {
		return pos.ConnectionFailed(pos.Wechat, pos.FaultUntrusted, "", err)
	}
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(cfg.Timeout, wechatpay.DefaultTimeout))
	defer cancel()
	base := strings.TrimSuffix(cmp.Or(cfg.BaseURL, wechatpay.ProductionBaseURL), "/")
	path := "/v3/pay/transactions/out-trade-no/" + url.PathEscape(no) + "?mchid=" + url.QueryEscape(cfg.MchID)
	status, body, h, err := v3Get(ctx, base+path, v3Authorization(cfg, key, path), cfg.WechatPaySerial)
	if err != nil {
		return pos.ConnectionFailed(pos.Wechat, faultOf("", err), "", err)
	}
	var answer struct{ Code, Message string }
	_ = json.Unmarshal(body, &answer) // an error body or a transaction; the status decides
	said := strings.TrimSpace(strconv.Itoa(status) + " " + answer.Code)
	if err := verifyV3Answer(h, body, pub, cfg.WechatPaySerial); err != nil {
		return pos.ConnectionFailed(pos.Wechat, pos.FaultUntrusted, said, err)
	}
	switch {
	case status == http.StatusOK || status == http.StatusNotFound && answer.Code == "ORDER_NOT_EXIST":
		return nil
	case status == http.StatusTooManyRequests || status >= 500:
		return pos.ConnectionFailed(pos.Wechat, pos.FaultBusy, said, errors.New(answer.Message))
	case status >= 400 && status < 500:
		return pos.ConnectionFailed(pos.Wechat, pos.FaultRefused, said, errors.New(answer.Message))
	}
	return pos.ConnectionFailed(pos.Wechat, pos.FaultNotGateway, said, fmt.Errorf("HTTP %d", status))
}

// v3Authorization is the WECHATPAY2-SHA256-RSA2048 header of a GET of
// path (with its query): SHA256withRSA over GET\npath\nts\nnonce\n\n.
func v3Authorization(cfg wechatpay.Config, key *rsa.PrivateKey, path string) string {
	ts, n := strconv.FormatInt(time.Now().Unix(), 10), probeTradeNo()
	sum := sha256.Sum256([]byte("GET\n" + path + "\n" + ts + "\n" + n + "\n\n"))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil { // only with a broken key, which parseRSAPrivate refused
		return ""
	}
	return fmt.Sprintf(`WECHATPAY2-SHA256-RSA2048 mchid="%s",nonce_str="%s",timestamp="%s",serial_no="%s",signature="%s"`,
		cfg.MchID, n, ts, cfg.MerchantSerial, base64.StdEncoding.EncodeToString(sig))
}

// v3Get sends the signed GET and reads a bounded answer.
func v3Get(ctx context.Context, u, auth, serial string) (int, []byte, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Wechatpay-Serial", serial)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, body, resp.Header, err
}

// verifyV3Answer checks Wechatpay-Serial, -Timestamp (within 300 s) and
// -Signature over TIMESTAMP\nNONCE\nBODY\n.
func verifyV3Answer(h http.Header, body []byte, pub *rsa.PublicKey, serial string) error {
	ts, n, sig := h.Get("Wechatpay-Timestamp"), h.Get("Wechatpay-Nonce"), h.Get("Wechatpay-Signature")
	if ts == "" || n == "" || sig == "" {
		return wechatpay.ErrUnsigned
	}
	if got := h.Get("Wechatpay-Serial"); got != serial {
		return fmt.Errorf("%w: signed by %q, want %q", wechatpay.ErrBadSignature, got, serial)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() >= 300*time.Second {
		return fmt.Errorf("%w: timestamp %q is not within 5 minutes of the till's clock", wechatpay.ErrBadSignature, ts)
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return fmt.Errorf("%w: not base64", wechatpay.ErrBadSignature)
	}
	sum := sha256.Sum256([]byte(ts + "\n" + n + "\n" + string(body) + "\n"))
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], raw) != nil {
		return wechatpay.ErrBadSignature
	}
	return nil
}
