package pos_test

import (
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zhanggui/pos"
)

func fakePEM(typ, body string) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: []byte(body)}))
}

var (
	appKey     = fakePEM("PRIVATE KEY", "the app's private key")
	aliPub     = fakePEM("PUBLIC KEY", "alipay's public key")
	wxKey      = fakePEM("PRIVATE KEY", "apiclient_key")
	wxCert     = fakePEM("CERTIFICATE", "apiclient_cert")
	wxPub      = fakePEM("PUBLIC KEY", "pub_key")
	apiV2Key   = "0123456789abcdefABCDEF0123456789"
	acquirerMK = strings.Repeat("ab", 32)
)

func goodAlipay() pos.ChannelConfig {
	return pos.ChannelConfig{Provider: pos.Alipay, Enabled: true, AppID: "2021000000000001",
		Gateway: "https://openapi.alipay.com/gateway.do", Timeout: 10 * time.Second,
		Secrets: pos.Secrets{pos.SecretAlipayAppKey: appKey}, Certs: map[string]string{pos.CertAlipayPublicKey: aliPub}}
}

func goodWechat() pos.ChannelConfig {
	return pos.ChannelConfig{Provider: pos.Wechat, Enabled: true, AppID: "wx0123456789abcdef", MchID: "1900000001",
		WeChatAPI: "v3", PublicKeyID: "PUB_KEY_ID_0119000000012026112500000001", Serial: "5157F09EFDC096DE15EBE81A47057A72",
		Secrets: pos.Secrets{pos.SecretWechatAPIv2Key: apiV2Key, pos.SecretWechatMerchantKey: wxKey},
		Certs:   map[string]string{pos.CertWechatMerchant: wxCert, pos.CertWechatPayPublicKey: wxPub}}
}

func goodAcquirer() pos.ChannelConfig {
	return pos.ChannelConfig{Provider: pos.UnionPay, Enabled: true, MerchantID: "898123456785411",
		Gateway: "http://127.0.0.1:8090/acquirer", Secrets: pos.Secrets{pos.SecretAcquirerHMACKey: acquirerMK}}
}

// fp is a FieldProblem without its Detail, which is for the log.
type fp struct {
	Field   string
	Problem pos.Problem
}

// problems returns the field problems of c.Validate(), sorted as found.
func problems(t *testing.T, c pos.ChannelConfig) []fp {
	t.Helper()
	err := c.Validate()
	if err == nil {
		return nil
	}
	if pos.ErrorCode(err) != pos.CodeInvalid {
		t.Errorf("Validate() code = %v, want invalid", pos.ErrorCode(err))
	}
	var ce *pos.ChannelError
	if !errors.As(err, &ce) {
		t.Fatalf("Validate() = %v, no *ChannelError", err)
	}
	out := make([]fp, len(ce.Problems))
	for i, p := range ce.Problems {
		out[i] = fp{p.Field, p.Problem} // details are for the log
	}
	return out
}

var channelTests = []struct {
	name string
	c    pos.ChannelConfig
	want []fp
}{
	{"alipay ok", goodAlipay(), nil},
	{"wechat v3 ok", goodWechat(), nil},
	{"acquirer on the simulator ok", goodAcquirer(), nil},
	{"disabled and empty ok", pos.ChannelConfig{Provider: pos.Wechat}, nil},
	{"wechat v2 needs no public key", with(goodWechat(), func(c *pos.ChannelConfig) {
		c.WeChatAPI, c.PublicKeyID, c.Serial = "v2", "", ""
		delete(c.Certs, pos.CertWechatPayPublicKey)
	}), nil},
	{"enabled alipay without anything", pos.ChannelConfig{Provider: pos.Alipay, Enabled: true}, []fp{
		{"AppID", pos.ProblemMissing}, {pos.SecretAlipayAppKey, pos.ProblemMissing}, {pos.CertAlipayPublicKey, pos.ProblemMissing}}},
	{"wechat v3 without public key", with(goodWechat(), func(c *pos.ChannelConfig) {
		c.PublicKeyID = ""
		delete(c.Certs, pos.CertWechatPayPublicKey)
	}), []fp{{"PublicKeyID", pos.ProblemMissing}, {pos.CertWechatPayPublicKey, pos.ProblemMissing}}},
	{"bad ids", with(goodWechat(), func(c *pos.ChannelConfig) { c.AppID, c.MchID, c.Serial = "wx123", "12a", "XYZ" }),
		[]fp{{"AppID", pos.ProblemFormat}, {"MchID", pos.ProblemFormat}, {"Serial", pos.ProblemFormat}}},
	{"trailing space in app id", with(goodAlipay(), func(c *pos.ChannelConfig) { c.AppID += " " }),
		[]fp{{"AppID", pos.ProblemFormat}}},
	{"wechat api v4", with(goodWechat(), func(c *pos.ChannelConfig) { c.WeChatAPI = "v4" }),
		[]fp{{"WeChatAPI", pos.ProblemChoice}}},
	{"wechat api unset", with(goodWechat(), func(c *pos.ChannelConfig) { c.WeChatAPI = "" }),
		[]fp{{"WeChatAPI", pos.ProblemMissing}}},
	{"http to another computer", with(goodAlipay(), func(c *pos.ChannelConfig) { c.Gateway = "http://openapi.alipay.com/gateway.do" }),
		[]fp{{"Gateway", pos.ProblemInsecure}}},
	{"http to localhost", with(goodAlipay(), func(c *pos.ChannelConfig) { c.Gateway = "http://localhost:8090/alipay/gateway.do" }), nil},
	{"http to ::1", with(goodAlipay(), func(c *pos.ChannelConfig) { c.Gateway = "http://[::1]:8090/alipay/gateway.do" }), nil},
	{"gateway not a url", with(goodAlipay(), func(c *pos.ChannelConfig) { c.Gateway = "openapi.alipay.com" }),
		[]fp{{"Gateway", pos.ProblemFormat}}},
	{"gateway with a password", with(goodAlipay(), func(c *pos.ChannelConfig) { c.Gateway = "https://u:p@openapi.alipay.com/" }),
		[]fp{{"Gateway", pos.ProblemFormat}}},
	{"gateway ftp", with(goodAlipay(), func(c *pos.ChannelConfig) { c.Gateway = "ftp://openapi.alipay.com/" }),
		[]fp{{"Gateway", pos.ProblemFormat}}},
	{"acquirer needs a gateway", with(goodAcquirer(), func(c *pos.ChannelConfig) { c.Gateway = "" }),
		[]fp{{"Gateway", pos.ProblemMissing}}},
	{"timeouts", with(goodAcquirer(), func(c *pos.ChannelConfig) { c.Timeout = 500 * time.Millisecond }),
		[]fp{{"Timeout", pos.ProblemRange}}},
	{"negative timeout", with(goodAcquirer(), func(c *pos.ChannelConfig) { c.Timeout = -time.Second }),
		[]fp{{"Timeout", pos.ProblemRange}}},
	{"keys swapped", with(goodAlipay(), func(c *pos.ChannelConfig) {
		c.Secrets[pos.SecretAlipayAppKey], c.Certs[pos.CertAlipayPublicKey] = aliPub, appKey
	}), []fp{{pos.SecretAlipayAppKey, pos.ProblemKeyKind}, {pos.CertAlipayPublicKey, pos.ProblemKeyKind}}},
	{"key not pem", with(goodAlipay(), func(c *pos.ChannelConfig) { c.Secrets[pos.SecretAlipayAppKey] = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" }),
		[]fp{{pos.SecretAlipayAppKey, pos.ProblemKeyKind}}},
	{"encrypted key", with(goodAlipay(), func(c *pos.ChannelConfig) {
		c.Secrets[pos.SecretAlipayAppKey] = fakePEM("ENCRYPTED PRIVATE KEY", "x")
	}), []fp{{pos.SecretAlipayAppKey, pos.ProblemKeyKind}}},
	{"huge key", with(goodAlipay(), func(c *pos.ChannelConfig) {
		c.Secrets[pos.SecretAlipayAppKey] = fakePEM("PRIVATE KEY", strings.Repeat("k", 20000))
	}), []fp{{pos.SecretAlipayAppKey, pos.ProblemFormat}}},
	{"short api v2 key", with(goodWechat(), func(c *pos.ChannelConfig) { c.Secrets[pos.SecretWechatAPIv2Key] = "short" }),
		[]fp{{pos.SecretWechatAPIv2Key, pos.ProblemFormat}}},
	{"hmac key not hex", with(goodAcquirer(), func(c *pos.ChannelConfig) { c.Secrets[pos.SecretAcquirerHMACKey] = strings.Repeat("zz", 32) }),
		[]fp{{pos.SecretAcquirerHMACKey, pos.ProblemFormat}}},
	{"a key of another provider", with(goodAlipay(), func(c *pos.ChannelConfig) { c.Secrets[pos.SecretAcquirerHMACKey] = acquirerMK }),
		[]fp{{pos.SecretAcquirerHMACKey, pos.ProblemUnexpected}}},
	{"e-CNY has no channel of its own", pos.ChannelConfig{Provider: pos.ECNY}, []fp{{"Provider", pos.ProblemChoice}}},
	{"unknown provider", pos.ChannelConfig{Provider: "paypal"}, []fp{{"Provider", pos.ProblemChoice}}},
}

func with(c pos.ChannelConfig, edit func(*pos.ChannelConfig)) pos.ChannelConfig {
	c.Secrets = clone(c.Secrets)
	c.Certs = clone(c.Certs)
	edit(&c)
	return c
}

func clone[M ~map[string]string](m M) M {
	out := M{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestChannelValidate(t *testing.T) {
	for _, tt := range channelTests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, problems(t, tt.c)); diff != "" {
				t.Errorf("Validate() problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestChannelErrorNamesFields(t *testing.T) {
	if err := with(goodAlipay(), func(c *pos.ChannelConfig) { c.Gateway = "https://u:s3cret@openapi.alipay.com/" }).Validate(); err == nil ||
		strings.Contains(err.Error(), "s3cret") {
		t.Errorf("Validate(gateway with a password) = %v, want an error without the password", err)
	}
	err := pos.ChannelConfig{Provider: pos.Alipay, Enabled: true, AppID: "12"}.Validate()
	for _, want := range []string{"channel alipay", "AppID: format", pos.SecretAlipayAppKey + ": missing"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to name %q", err, want)
		}
	}
}

// TestChannelNeverPrintsSecrets formats a config every way a log line or
// an error might.
func TestChannelNeverPrintsSecrets(t *testing.T) {
	c := goodWechat()
	var log strings.Builder
	slog.New(slog.NewTextHandler(&log, nil)).Info("channel", "cfg", c, "secrets", c.Secrets)
	js, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	outs := []string{c.String(), fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s %q", c, c, c, c, c),
		fmt.Sprintf("%v %+v %#v", c.Secrets, c.Secrets, c.Secrets), fmt.Sprintf("%v", &c), log.String(), string(js)}
	for _, out := range outs {
		for name, secret := range c.Secrets {
			if strings.Contains(out, secret) || strings.Contains(out, secret[len(secret)/3:2*len(secret)/3]) {
				t.Errorf("%s leaked into %q", name, out)
			}
		}
	}
	if want := pos.Fingerprint(apiV2Key); !strings.Contains(c.String(), pos.SecretWechatAPIv2Key+": "+want) {
		t.Errorf("String() = %q, want the APIv2 key's fingerprint %s", c.String(), want)
	}
}

func TestFingerprint(t *testing.T) {
	crlf := strings.ReplaceAll(appKey, "\n", "\r\n")
	if a, b := pos.Fingerprint(appKey), pos.Fingerprint(crlf); a != b || len(a) != len("AB:CD:EF:01") {
		t.Errorf("Fingerprint(LF) = %q, Fingerprint(CRLF) = %q, want the same AB:CD:EF:01", a, b)
	}
	if pos.Fingerprint(appKey) == pos.Fingerprint(aliPub) {
		t.Error("two keys have one fingerprint")
	}
	if got := pos.Fingerprint(""); got != "" {
		t.Errorf(`Fingerprint("") = %q`, got)
	}
}

func TestConnectionFailedCodes(t *testing.T) {
	cause := errors.New("dial tcp 127.0.0.1:1: connection refused")
	for f, want := range map[pos.Fault]pos.Code{pos.FaultUnreachable: pos.CodeUnavailable, pos.FaultBusy: pos.CodeUnavailable,
		pos.FaultRefused: pos.CodeInvalid, pos.FaultUntrusted: pos.CodeInvalid, pos.FaultNotGateway: pos.CodeInvalid} {
		err := pos.ConnectionFailed(pos.Alipay, f, "40002", cause)
		var ce *pos.ConnectionError
		if !errors.As(err, &ce) || ce.Fault != f || !errors.Is(err, cause) || pos.ErrorCode(err) != want {
			t.Errorf("ConnectionFailed(%s) = %v (code %v), want a *ConnectionError with code %v", f, err, pos.ErrorCode(err), want)
		}
	}
}

// FuzzChannelValidate checks that Validate never panics and that no way of
// printing a config shows a secret.
func FuzzChannelValidate(f *testing.F) {
	for _, tt := range channelTests {
		f.Add(string(tt.c.Provider), tt.c.AppID, tt.c.Gateway, tt.c.Secrets[pos.SecretAlipayAppKey])
	}
	f.Fuzz(func(t *testing.T, provider, appID, gateway, secret string) {
		c := pos.ChannelConfig{Provider: pos.Provider(provider), Enabled: true, AppID: appID, Gateway: gateway,
			Secrets: pos.Secrets{pos.SecretAlipayAppKey: secret}}
		_ = c.Validate() // must not panic
		if len(secret) < 16 || strings.TrimSpace(secret) != secret {
			return
		}
		if out := fmt.Sprintf("%v %+v %#v", c, c, c.Secrets); strings.Contains(out, secret) {
			t.Fatalf("secret %q printed: %s", secret, out)
		}
	})
}
