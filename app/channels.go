package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"zhanggui/app/ui"
	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/sync/alipay"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
	"zhanggui/sync/unionpay"
	"zhanggui/sync/wechatpay"

	"zhanggui/sync/pemkey"
)

// simDefaultBase is where `zhanggui sim` listens without --addr.
const simDefaultBase = "http://127.0.0.1:8090"

// wechatNotifyURL is the notify_url sent with Native orders: WeChat Pay
// requires one, and the till never depends on it (it polls).
const wechatNotifyURL = "https://notify.invalid/zhanggui/wechatpay"

// keyFileMax bounds a key or certificate file: real ones are a few KB.
const keyFileMax = 64 << 10

// secretKeyFile is the file beside the database whose key seals the
// channels' keys (storage.LoadOrCreateKey). Back it up apart from the
// database: a backup of the database alone reveals no payment key.
const secretKeyFile = "secret.key"

var _ ui.ChannelStore = (*storage.ChannelVault)(nil)

// openChannels opens the channels' vault under <dataDir>/secret.key and
// builds the clients of the enabled channels. A channel that cannot be used
// (a wrong key file, a bad key) is logged and left out: the till sells
// with the others, and the channels screen says what is wrong. Only a key
// file that cannot be read or made is an error.
func openChannels(ctx context.Context, db *storage.DB, dataDir string, log *slog.Logger) (
	*storage.ChannelVault, map[pos.Provider]payments.Provider, error) {
	key, err := storage.LoadOrCreateKey(filepath.Join(dataDir, secretKeyFile))
	if err != nil {
		return nil, nil, fmt.Errorf("app: payment channels: %w", err)
	}
	vault, err := db.ChannelVault(key)
	if err != nil {
		return nil, nil, fmt.Errorf("app: payment channels: %w", err)
	}
	cfgs, err := vault.Channels(ctx)
	if err != nil {
		log.Warn("payment channels", "err", err)
	}
	clients, err := clientsFromChannels(cfgs)
	if err != nil {
		log.Warn("payment channels left out", "err", err)
	}
	return vault, clients, nil
}

// channelDeps wires the channels screen to the vault, the connection test
// and the key file readers.
func channelDeps(vault *storage.ChannelVault) ui.ChannelDeps {
	return ui.ChannelDeps{Store: vault, Test: testConnection, ImportKey: importKeyFile, ImportSim: importCredentialsDir}
}

// clientsFromChannels builds a provider client for every enabled channel
// (the acquirer's serves both UnionPay and e-CNY codes). A channel that
// cannot be built is left out and its problem is in err, so the till still
// takes payments through the others; the caller logs err.
func clientsFromChannels(cfgs []pos.ChannelConfig) (map[pos.Provider]payments.Provider, error) {
	out := map[pos.Provider]payments.Provider{}
	var errs []error
	for _, c := range cfgs {
		if !c.Enabled {
			continue
		}
		if _, dup := out[c.Provider]; dup {
			errs = append(errs, fmt.Errorf("app: channel %s configured twice; the first is used", c.Provider))
			continue
		}
		client, err := newChannelClient(c)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[c.Provider] = client
		if c.Provider == pos.UnionPay { // the acquirer: its codes, e-CNY, and refunds of card payments
			out[pos.ECNY], out[pos.Card] = client, client
		}
	}
	return out, errors.Join(errs...)
}

// newChannelClient checks c and its keys and builds its client.
func newChannelClient(c pos.ChannelConfig) (payments.Provider, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("app: channel %s: %w", c.Provider, err)
	}
	if err := checkKeys(c); err != nil {
		return nil, fmt.Errorf("app: channel %s: %w", c.Provider, err)
	}
	var client payments.Provider
	var err error
	switch c.Provider {
	case pos.Alipay:
		client, err = alipay.New(alipayConfig(c))
	case pos.Wechat:
		client, err = wechatpay.New(wechatConfig(c))
	default: // Validate let only the acquirer through
		client, err = unionpay.New(unionpayConfig(c))
	}
	if err != nil {
		return nil, pos.Errorf(pos.CodeInvalid, "app: channel %s: %w", c.Provider, err)
	}
	return client, nil
}

func alipayConfig(c pos.ChannelConfig) alipay.Config {
	return alipay.Config{AppID: c.AppID, PrivateKeyPEM: c.Secrets[pos.SecretAlipayAppKey],
		AlipayPublicKeyPEM: c.Certs[pos.CertAlipayPublicKey], Gateway: c.Gateway, Timeout: c.Timeout}
}

// wechatConfig leaves the v3 keys out for a v2 channel: the client then
// takes payment codes only, and refuses a dynamic QR before sending it.
// An empty Serial is read from the merchant certificate.
func wechatConfig(c pos.ChannelConfig) wechatpay.Config {
	cfg := wechatpay.Config{AppID: c.AppID, MchID: c.MchID, APIv2Key: c.Secrets[pos.SecretWechatAPIv2Key],
		MerchantPrivateKeyPEM: c.Secrets[pos.SecretWechatMerchantKey], MerchantCertPEM: c.Certs[pos.CertWechatMerchant],
		MerchantSerial: c.Serial, NotifyURL: wechatNotifyURL, BaseURL: c.Gateway, Timeout: c.Timeout}
	if cfg.MerchantSerial == "" {
		cfg.MerchantSerial, _ = certSerial(cfg.MerchantCertPEM) // checkKeys reported a bad certificate
	}
	if c.WeChatAPI == "v3" {
		cfg.WechatPayPublicKeyPEM, cfg.WechatPaySerial = c.Certs[pos.CertWechatPayPublicKey], c.PublicKeyID
	}
	return cfg
}

func unionpayConfig(c pos.ChannelConfig) unionpay.Config {
	return unionpay.Config{BaseURL: c.Gateway, MerchantID: c.MerchantID,
		HMACKeyHex: c.Secrets[pos.SecretAcquirerHMACKey], Timeout: c.Timeout}
}

// checkKeys parses c's keys, which Validate only checked to be PEM of the
// right type, and checks that those that belong together do: the WeChat
// merchant key with its certificate, and Serial with the certificate.
// Problems come as a CodeInvalid *pos.ChannelError naming the keys.
func checkKeys(c pos.ChannelConfig) error {
	var problems []pos.FieldProblem
	bad := func(field string, p pos.Problem, err error) {
		problems = append(problems, pos.FieldProblem{Field: field, Problem: p, Detail: err.Error()})
	}
	for _, name := range []string{pos.SecretAlipayAppKey, pos.SecretWechatMerchantKey} {
		if s := c.Secrets[name]; s != "" {
			if _, err := parseRSAPrivate(s); err != nil {
				bad(name, pos.ProblemKeyKind, err)
			}
		}
	}
	for _, name := range []string{pos.CertAlipayPublicKey, pos.CertWechatPayPublicKey, pos.CertWechatMerchant} {
		if s := c.Certs[name]; s != "" {
			if _, err := parseRSAPublic(s); err != nil {
				bad(name, pos.ProblemKeyKind, err)
			}
		}
	}
	if len(problems) == 0 && c.Provider == pos.Wechat {
		problems = append(problems, wechatPairProblems(c)...)
	}
	if len(problems) > 0 {
		return pos.Errorf(pos.CodeInvalid, "app: %w", &pos.ChannelError{Provider: c.Provider, Problems: problems})
	}
	return nil
}

// wechatPairProblems checks the merchant key against its certificate and
// the certificate's serial against Serial.
func wechatPairProblems(c pos.ChannelConfig) []pos.FieldProblem {
	key, cert := c.Secrets[pos.SecretWechatMerchantKey], c.Certs[pos.CertWechatMerchant]
	if key == "" || cert == "" {
		return nil
	}
	if _, err := tls.X509KeyPair([]byte(cert), []byte(key)); err != nil {
		return []pos.FieldProblem{{Field: pos.CertWechatMerchant, Problem: pos.ProblemMismatch, Detail: err.Error()}}
	}
	serial, err := certSerial(cert)
	if err == nil && c.Serial != "" && !strings.EqualFold(serial, c.Serial) {
		return []pos.FieldProblem{{Field: "Serial", Problem: pos.ProblemMismatch,
			Detail: fmt.Sprintf("the certificate's serial is %s", serial)}}
	}
	return nil
}

// certSerial is a certificate's serial number as WeChat Pay writes it:
// upper-case hex.
func certSerial(certPEM string) (string, error) {
	block, _ := pem.Decode([]byte(certPEM))
	if block == nil {
		return "", errors.New("no PEM block")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return "", err
	}
	return strings.ToUpper(hex.EncodeToString(cert.SerialNumber.Bytes())), nil
}

// importCredentialsDir reads the credentials a simulator wrote to its data
// directory (credentials.json), so a trainer can point a till at
// `zhanggui sim`. The gateways are the simulator's default address; if it
// was started with another --addr, edit them on the channels screen.
func importCredentialsDir(dir string) ([]pos.ChannelConfig, error) {
	return importCredentials(dir, simDefaultBase)
}

// importCredentials is importCredentialsDir for a simulator at base.
func importCredentials(dir, base string) ([]pos.ChannelConfig, error) {
	path := filepath.Join(dir, "credentials.json")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, pos.Errorf(pos.CodeInvalid, "app: %s is not a simulator's data directory: %w", dir, err)
	}
	var cr providersim.Credentials
	if err := json.Unmarshal(b, &cr); err != nil {
		return nil, pos.Errorf(pos.CodeInvalid, "app: read %s: %w", path, err)
	}
	a, w, q := cr.Alipay, cr.WeChat, cr.Acquirer
	cfgs := []pos.ChannelConfig{
		{Provider: pos.Alipay, Enabled: true, AppID: a.AppID, Gateway: base + "/alipay/gateway.do",
			Secrets: pos.Secrets{pos.SecretAlipayAppKey: a.AppPrivateKeyPEM},
			Certs:   map[string]string{pos.CertAlipayPublicKey: a.AlipayPublicKeyPEM}},
		{Provider: pos.Wechat, Enabled: true, AppID: w.AppID, MchID: w.MchID, WeChatAPI: "v3",
			Serial: w.MerchantSerial, PublicKeyID: w.PublicKeyID, Gateway: base + "/wechat",
			Secrets: pos.Secrets{pos.SecretWechatAPIv2Key: w.APIv2Key, pos.SecretWechatMerchantKey: w.MerchantPrivateKeyPEM},
			Certs: map[string]string{pos.CertWechatMerchant: w.MerchantCertPEM,
				pos.CertWechatPayPublicKey: w.PublicKeyPEM}},
		{Provider: pos.UnionPay, Enabled: true, MerchantID: q.MerchantID, Gateway: base + "/acquirer",
			Secrets: pos.Secrets{pos.SecretAcquirerHMACKey: q.HMACKey}},
	}
	for _, c := range cfgs {
		if err := c.Validate(); err != nil {
			return nil, fmt.Errorf("app: read %s: %w", path, err)
		}
	}
	return cfgs, nil
}

// importKeyFile reads a key or certificate file and returns it as PEM
// (parseKeyFile). Returns a CodeInvalid error for a file that holds no key
// or certificate, or cannot be read.
func importKeyFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", pos.Errorf(pos.CodeInvalid, "app: import key: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, keyFileMax+1))
	if err != nil {
		return "", pos.Errorf(pos.CodeInvalid, "app: import key %s: %w", path, err)
	}
	out, err := parseKeyFile(b)
	if err != nil {
		return "", pos.Errorf(pos.CodeInvalid, "app: import key %s: %w", path, err)
	}
	return out, nil
}

// parseKeyFile takes PEM (the first block) and the bare base64 of DER that
// Alipay's key tool writes (应用私钥RSA2048.txt), and returns canonical PEM.
// The key is parsed, so a damaged or foreign file is refused now, not at
// the first payment.
func parseKeyFile(b []byte) (string, error) {
	if len(b) > keyFileMax {
		return "", fmt.Errorf("larger than %d bytes: not a key", keyFileMax)
	}
	block, _ := pem.Decode(b)
	if block == nil {
		block = bareDER(b)
	}
	if block == nil {
		return "", errors.New("no PEM block and not base64 of a key")
	}
	out := string(pem.EncodeToMemory(&pem.Block{Type: block.Type, Bytes: block.Bytes}))
	if err := parseAny(block.Type, out); err != nil {
		return "", err
	}
	return out, nil
}

// bareDER recognises base64 DER without PEM armour by parsing it.
func bareDER(b []byte) *pem.Block {
	der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), ""))
	if err != nil || len(der) == 0 {
		return nil
	}
	parsers := []struct {
		typ   string
		parse func([]byte) error
	}{
		{"PRIVATE KEY", func(d []byte) error { _, err := x509.ParsePKCS8PrivateKey(d); return err }},
		{"RSA PRIVATE KEY", func(d []byte) error { _, err := x509.ParsePKCS1PrivateKey(d); return err }},
		{"PUBLIC KEY", func(d []byte) error { _, err := x509.ParsePKIXPublicKey(d); return err }},
		{"CERTIFICATE", func(d []byte) error { _, err := x509.ParseCertificate(d); return err }},
	}
	for _, p := range parsers {
		if p.parse(der) == nil {
			return &pem.Block{Type: p.typ, Bytes: der}
		}
	}
	return nil
}

// parseAny parses a PEM of any type the channels use.
func parseAny(typ, s string) error {
	switch typ {
	case "PRIVATE KEY", "RSA PRIVATE KEY":
		_, err := parseRSAPrivate(s)
		return err
	case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
		_, err := parseRSAPublic(s)
		return err
	}
	return fmt.Errorf("a PEM %q is not a key or certificate the channels use", typ)
}

var (
	parseRSAPrivate = pemkey.ParsePrivate
	parseRSAPublic  = pemkey.ParsePublic
)
