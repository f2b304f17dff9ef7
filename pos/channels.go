package pos

import (
	"encoding/pem"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// ChannelConfig is one payment channel's settings, as the owner enters them
// on the channels screen: who the shop is at the provider, where the
// provider's gateway is, and the keys that sign the till's requests and
// verify the provider's answers. The acquirer channel (Provider UnionPay)
// also takes e-CNY codes.
//
// Which fields a channel uses:
//
//	Alipay    AppID; Secrets[SecretAlipayAppKey]; Certs[CertAlipayPublicKey]
//	Wechat    AppID, MchID, WeChatAPI; Secrets[SecretWechatAPIv2Key],
//	          Secrets[SecretWechatMerchantKey], Certs[CertWechatMerchant];
//	          v3 also PublicKeyID, Certs[CertWechatPayPublicKey] and Serial
//	          (optional: it is read from the merchant certificate)
//	UnionPay  MerchantID, Gateway; Secrets[SecretAcquirerHMACKey]
type ChannelConfig struct {
	Provider    Provider // Alipay, Wechat or UnionPay
	Enabled     bool     // the till takes payments through this channel
	AppID       string   // Alipay app_id (16 digits); WeChat appid (wx…)
	MchID       string   // WeChat mch_id (8–10 digits)
	MerchantID  string   // the acquirer's merchant number (15 digits)
	Serial      string   // WeChat: serial_no of the merchant API certificate, hex
	PublicKeyID string   // WeChat v3: Wechatpay-Serial of answers: PUB_KEY_ID_… or a platform certificate's serial
	WeChatAPI   string   // WeChat: "v2" (payment codes only) or "v3" (also the Native dynamic QR)
	// Gateway is the provider's URL: Alipay's gateway.do, WeChat Pay's API
	// host, the acquirer's API root. "" means the production gateway
	// (Alipay, WeChat); the acquirer has none and needs one.
	Gateway string
	Timeout time.Duration // bounds one call; 0 means the client's default (10 s)
	// Secrets are the private keys and API keys, by Secret… name. They are
	// sealed at rest, never logged and never shown: screens show Fingerprint.
	Secrets Secrets
	// Certs are public keys and certificates (PEM), by Cert… name. Not
	// secret, but sealed at rest like Secrets: a key swapped in the database
	// file would make forged answers verify.
	Certs map[string]string
}

// Names of the keys in ChannelConfig.Secrets and ChannelConfig.Certs.
const (
	SecretAlipayAppKey      = "alipay_app_private_key" // the application private key: signs requests
	CertAlipayPublicKey     = "alipay_public_key"      // Alipay's public key: verifies answers
	SecretWechatAPIv2Key    = "wechat_api_v2_key"      // the 32-character APIv2 key: signs v2 both ways
	SecretWechatMerchantKey = "wechat_merchant_key"    // apiclient_key.pem: signs v3, the /secapi TLS key
	CertWechatMerchant      = "wechat_merchant_cert"   // apiclient_cert.pem: the /secapi client certificate
	CertWechatPayPublicKey  = "wechat_pay_public_key"  // pub_key.pem or the platform certificate: verifies v3
	SecretAcquirerHMACKey   = "acquirer_hmac_key"      // 64 hex digits shared with the acquirer
)

// Channel timeouts: Timeout is 0 (the client's default) or within these.
const (
	ChannelTimeoutMin = time.Second
	ChannelTimeoutMax = time.Minute
)

// keyMaxLen bounds one key or certificate: real ones are a few KB.
const keyMaxLen = 16 << 10

// ChannelProviders are the providers that have a channel of their own, in
// the order the screens show them.
var ChannelProviders = []Provider{Alipay, Wechat, UnionPay}

// Problem is what is wrong with one field of a ChannelConfig.
type Problem string

// The problems Validate and the key checks of package app report.
const (
	ProblemMissing    Problem = "missing"    // required for an enabled channel
	ProblemFormat     Problem = "format"     // not in the form the provider issues
	ProblemKeyKind    Problem = "key_kind"   // not a PEM key or certificate of the kind this field holds
	ProblemInsecure   Problem = "insecure"   // http:// to another computer: only https leaves this one
	ProblemRange      Problem = "range"      // a timeout outside ChannelTimeoutMin–Max
	ProblemChoice     Problem = "choice"     // not one of the allowed values
	ProblemUnexpected Problem = "unexpected" // a key this provider does not use
	ProblemMismatch   Problem = "mismatch"   // keys that do not belong together (key and certificate, serial)
)

// FieldProblem is one problem of one field.
type FieldProblem struct {
	Field   string // a ChannelConfig field ("AppID", "Gateway") or a Secret…/Cert… name
	Problem Problem
	Detail  string // for the log; never a secret's value
}

// ChannelError lists every problem found in one ChannelConfig, so the
// owner fixes them in one pass. Validate returns it inside a CodeInvalid
// *Error; find it with errors.As.
type ChannelError struct {
	Provider Provider
	Problems []FieldProblem
}

func (e *ChannelError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Field + ": " + string(p.Problem)
		if p.Detail != "" {
			parts[i] += " (" + p.Detail + ")"
		}
	}
	return fmt.Sprintf("channel %s: %s", e.Provider, strings.Join(parts, "; "))
}

// Validate reports every problem of c as a CodeInvalid error wrapping a
// *ChannelError. Fields a channel needs are required only when it is
// enabled, so an owner can save a channel while waiting for a key; what is
// filled in must always be well formed.
func (c ChannelConfig) Validate() error {
	v := channelCheck{c: c}
	switch c.Provider {
	case Alipay:
		v.alipay()
	case Wechat:
		v.wechat()
	case UnionPay:
		v.unionpay()
	case ECNY:
		v.add("Provider", ProblemChoice, "e-CNY codes go through the unionpay (acquirer) channel")
	default:
		v.add("Provider", ProblemChoice, fmt.Sprintf("%q has no channel", c.Provider))
	}
	v.timeout()
	if len(v.problems) == 0 {
		return nil
	}
	return Errorf(CodeInvalid, "pos: %w", &ChannelError{Provider: c.Provider, Problems: v.problems})
}

// channelCheck collects the problems of one ChannelConfig.
type channelCheck struct {
	c        ChannelConfig
	problems []FieldProblem
	used     map[string]bool // key names this provider uses
}

func (v *channelCheck) add(field string, p Problem, detail string) {
	v.problems = append(v.problems, FieldProblem{Field: field, Problem: p, Detail: detail})
}

func (v *channelCheck) alipay() {
	v.id("AppID", v.c.AppID, v.c.Enabled, digits(16), "16 digits")
	v.gateway(false)
	v.keys(map[string]keyKind{SecretAlipayAppKey: privateKey}, map[string]keyKind{CertAlipayPublicKey: publicKey})
}

func (v *channelCheck) wechat() {
	v3 := v.c.WeChatAPI == "v3"
	v.id("AppID", v.c.AppID, v.c.Enabled, wechatAppID, "wx and 16 letters or digits")
	v.id("MchID", v.c.MchID, v.c.Enabled, digitsBetween(8, 10), "8 to 10 digits")
	v.id("Serial", v.c.Serial, false, hexBetween(8, 40), "8 to 40 hex digits")
	v.id("PublicKeyID", v.c.PublicKeyID, v.c.Enabled && v3, publicKeyID, "PUB_KEY_ID_… or a hex serial")
	switch {
	case v.c.WeChatAPI == "" && v.c.Enabled:
		v.add("WeChatAPI", ProblemMissing, "")
	case v.c.WeChatAPI != "" && v.c.WeChatAPI != "v2" && !v3:
		v.add("WeChatAPI", ProblemChoice, fmt.Sprintf("%q is not v2 or v3", v.c.WeChatAPI))
	}
	v.gateway(false)
	certs := map[string]keyKind{CertWechatMerchant: certificate, CertWechatPayPublicKey: optional(publicOrCert)}
	if v3 {
		certs[CertWechatPayPublicKey] = publicOrCert
	}
	v.keys(map[string]keyKind{SecretWechatAPIv2Key: apiKey(alnum(32), "32 letters or digits"),
		SecretWechatMerchantKey: privateKey}, certs)
}

func (v *channelCheck) unionpay() {
	v.id("MerchantID", v.c.MerchantID, v.c.Enabled, digits(15), "15 digits")
	v.gateway(true)
	v.keys(map[string]keyKind{SecretAcquirerHMACKey: apiKey(hexBetween(64, 64), "64 hex digits")}, nil)
}

// id checks an identifier: required when need, else well formed if set.
func (v *channelCheck) id(field, s string, need bool, ok func(string) bool, want string) {
	switch {
	case s == "" && need:
		v.add(field, ProblemMissing, "")
	case s != "" && !ok(s):
		v.add(field, ProblemFormat, fmt.Sprintf("%q is not %s", s, want))
	}
}

// timeout checks Timeout: 0 (the default) or within the bounds.
func (v *channelCheck) timeout() {
	if t := v.c.Timeout; t != 0 && (t < ChannelTimeoutMin || t > ChannelTimeoutMax) {
		v.add("Timeout", ProblemRange, fmt.Sprintf("%v is not within %v–%v", t, ChannelTimeoutMin, ChannelTimeoutMax))
	}
}

// gateway checks Gateway: an absolute https URL, or http to this computer
// (the simulator, which serves loopback only). Keys and amounts must not
// cross a network in clear.
func (v *channelCheck) gateway(need bool) {
	g := v.c.Gateway
	if g == "" {
		if need && v.c.Enabled {
			v.add("Gateway", ProblemMissing, "")
		}
		return
	}
	u, err := url.Parse(g)
	switch {
	case err == nil && u.User != nil: // the detail must not carry the password to the log
		v.add("Gateway", ProblemFormat, "a user name or password in the address")
	case err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || g != strings.TrimSpace(g):
		v.add("Gateway", ProblemFormat, fmt.Sprintf("%q is not an address such as https://host/path", g))
	case u.Scheme == "https":
	case u.Scheme == "http" && loopback(u.Hostname()):
	case u.Scheme == "http":
		v.add("Gateway", ProblemInsecure, fmt.Sprintf("http:// to %s", u.Hostname()))
	default:
		v.add("Gateway", ProblemFormat, fmt.Sprintf("scheme %q", u.Scheme))
	}
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// keys checks Secrets and Certs against what the provider uses.
func (v *channelCheck) keys(secrets, certs map[string]keyKind) {
	v.used = map[string]bool{}
	v.keySet(v.c.Secrets, secrets)
	v.keySet(v.c.Certs, certs)
	for name := range v.c.Secrets {
		if !v.used[name] {
			v.add(name, ProblemUnexpected, "a secret this provider does not use")
		}
	}
	for name := range v.c.Certs {
		if !v.used[name] {
			v.add(name, ProblemUnexpected, "a certificate this provider does not use")
		}
	}
}

func (v *channelCheck) keySet(have map[string]string, want map[string]keyKind) {
	for _, name := range sortedKeys(want) {
		kind := want[name]
		v.used[name] = true
		s, ok := have[name]
		switch {
		case !ok || s == "":
			if v.c.Enabled && !kind.optional {
				v.add(name, ProblemMissing, "")
			}
		case len(s) > keyMaxLen:
			v.add(name, ProblemFormat, fmt.Sprintf("%d bytes, longer than any key", len(s)))
		default:
			if p, detail := kind.check(s); p != "" {
				v.add(name, p, detail)
			}
		}
	}
}

// keyKind says what a key field holds.
type keyKind struct {
	pemTypes []string          // accepted PEM block types; nil for a plain API key
	ok       func(string) bool // for an API key
	want     string            // an API key's form, for the detail
	optional bool              // not required even when enabled
}

var (
	privateKey   = keyKind{pemTypes: []string{"PRIVATE KEY", "RSA PRIVATE KEY"}}
	publicKey    = keyKind{pemTypes: []string{"PUBLIC KEY", "RSA PUBLIC KEY"}}
	certificate  = keyKind{pemTypes: []string{"CERTIFICATE"}}
	publicOrCert = keyKind{pemTypes: []string{"PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE"}}
)

func apiKey(ok func(string) bool, want string) keyKind { return keyKind{ok: ok, want: want} }

func optional(k keyKind) keyKind {
	k.optional = true
	return k
}

// check reports what is wrong with s, or "".
func (k keyKind) check(s string) (Problem, string) {
	if k.pemTypes == nil {
		if !k.ok(s) {
			return ProblemFormat, fmt.Sprintf("%d characters, not %s", len(s), k.want)
		}
		return "", ""
	}
	block, _ := pem.Decode([]byte(s))
	switch {
	case block == nil:
		return ProblemKeyKind, "not PEM"
	case block.Type == "ENCRYPTED PRIVATE KEY" || block.Headers["Proc-Type"] != "":
		return ProblemKeyKind, "an encrypted private key: export it without a password"
	}
	for _, t := range k.pemTypes {
		if block.Type == t {
			return "", ""
		}
	}
	return ProblemKeyKind, fmt.Sprintf("a PEM %q, want %s", block.Type, strings.Join(k.pemTypes, " or "))
}

// Identifier forms.

func digits(n int) func(string) bool { return digitsBetween(n, n) }

func digitsBetween(lo, hi int) func(string) bool {
	return func(s string) bool { return len(s) >= lo && len(s) <= hi && strings.Trim(s, "0123456789") == "" }
}

func hexBetween(lo, hi int) func(string) bool {
	return func(s string) bool {
		return len(s) >= lo && len(s) <= hi && strings.Trim(s, "0123456789abcdefABCDEF") == ""
	}
}

func alnum(n int) func(string) bool {
	return func(s string) bool { return len(s) == n && isAlnum(s) }
}

func isAlnum(s string) bool {
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}

// wechatAppID is wx and 16 letters or digits, as WeChat issues them.
func wechatAppID(s string) bool {
	rest, ok := strings.CutPrefix(s, "wx")
	return ok && len(rest) == 16 && isAlnum(rest)
}

// publicKeyID is the WeChat Pay public key's ID (PUB_KEY_ID_ and digits or
// letters) or, in certificate mode, the platform certificate's hex serial.
func publicKeyID(s string) bool {
	if rest, ok := strings.CutPrefix(s, "PUB_KEY_ID_"); ok {
		return len(rest) >= 8 && len(rest) <= 64 && isAlnum(rest)
	}
	return hexBetween(8, 40)(s)
}
