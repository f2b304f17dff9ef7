package providersim

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Credentials are every key and ID a client of the simulator needs. The
// private keys of the "platform" side (Alipay's, WeChat Pay's) are included
// so that a test can sign like the provider; a till uses only its own.
type Credentials struct {
	DataDir  string              `json:"-"` // where the files below were written
	Alipay   AlipayCredentials   `json:"alipay"`
	WeChat   WeChatCredentials   `json:"wechat"`
	Acquirer AcquirerCredentials `json:"acquirer"`
}

// AlipayCredentials configure an Alipay OpenAPI client (public-key mode).
type AlipayCredentials struct {
	AppID               string `json:"app_id"`                 // 16 digits
	SellerID            string `json:"seller_id"`              // the merchant PID, 2088 + 12 digits
	AppPrivateKeyPEM    string `json:"app_private_key_pem"`    // PKCS#8: the till signs requests
	AppPublicKeyPEM     string `json:"app_public_key_pem"`     // PKIX: the simulator verifies requests
	AlipayPublicKeyPEM  string `json:"alipay_public_key_pem"`  // PKIX: the till verifies responses
	AlipayPrivateKeyPEM string `json:"alipay_private_key_pem"` // PKCS#8: the simulator signs responses
}

// WeChatCredentials configure WeChat Pay v2 and v3 clients.
type WeChatCredentials struct {
	AppID                 string `json:"appid"`
	MchID                 string `json:"mchid"`
	APIv2Key              string `json:"api_v2_key"`               // 32 characters: v2 MD5/HMAC-SHA256 signs
	APIv3Key              string `json:"api_v3_key"`               // 32 characters: AES-256-GCM of certificates
	MerchantPrivateKeyPEM string `json:"merchant_private_key_pem"` // apiclient_key.pem (PKCS#8)
	MerchantCertPEM       string `json:"merchant_cert_pem"`        // apiclient_cert.pem, also the /secapi client cert
	MerchantSerial        string `json:"merchant_serial"`          // serial_no of Authorization
	PlatformPrivateKeyPEM string `json:"platform_private_key_pem"` // signs responses in certificate mode
	PlatformCertPEM       string `json:"platform_cert_pem"`        // what /v3/certificates serves
	PlatformSerial        string `json:"platform_serial"`          // Wechatpay-Serial in certificate mode
	PublicKeyID           string `json:"public_key_id"`            // PUB_KEY_ID_…: Wechatpay-Serial in public-key mode
	PublicKeyPEM          string `json:"public_key_pem"`           // pub_key.pem: verifies responses in public-key mode
	PublicKeyPrivatePEM   string `json:"public_key_private_pem"`   // signs responses in public-key mode
}

// AcquirerCredentials configure a client of the acquirer API (doc.go).
type AcquirerCredentials struct {
	MerchantID string `json:"merchant_id"` // 15 digits
	TerminalID string `json:"terminal_id"` // 8 characters
	HMACKey    string `json:"hmac_key"`    // 64 hex digits; the HMAC-SHA256 key is the decoded 32 bytes
}

// keySet holds the parsed keys the handlers use on every request.
type keySet struct {
	alipayApp      *rsa.PublicKey
	alipay         *rsa.PrivateKey
	wxMerchant     *rsa.PublicKey
	wxMerchantCert *x509.Certificate
	wxPlatform     *rsa.PrivateKey
	wxPlatformCert *x509.Certificate
	wxPubKey       *rsa.PrivateKey
	acquirer       []byte
}

const credentialsFile = "credentials.json"

// loadOrCreateCredentials reads dir/credentials.json, or generates new keys
// and writes them there (with one PEM file per key) when it is missing.
func loadOrCreateCredentials(dir string) (Credentials, *keySet, error) {
	if dir == "" {
		d, err := os.MkdirTemp("", "providersim-")
		if err != nil {
			return Credentials{}, nil, fmt.Errorf("providersim: temp dir: %w", err)
		}
		dir = d
	}
	b, err := os.ReadFile(filepath.Join(dir, credentialsFile))
	var c Credentials
	switch {
	case err == nil:
		if err := json.Unmarshal(b, &c); err != nil {
			return c, nil, fmt.Errorf("providersim: read %s: %w", filepath.Join(dir, credentialsFile), err)
		}
	case errors.Is(err, fs.ErrNotExist):
		if c, err = generateCredentials(); err != nil {
			return c, nil, err
		}
		if err := writeCredentials(dir, c); err != nil {
			return c, nil, err
		}
	default:
		return c, nil, fmt.Errorf("providersim: read credentials: %w", err)
	}
	c.DataDir = dir
	keys, err := parseKeys(c)
	if err != nil {
		return c, nil, fmt.Errorf("providersim: credentials in %s: %w", dir, err)
	}
	return c, keys, nil
}

// generateCredentials makes fresh keys, certificates and IDs.
func generateCredentials() (Credentials, error) {
	var c Credentials
	var err error
	// The merchant's keys have two primes, as a real merchant's; the
	// provider's, which sign every answer, three (multiprime.go says why).
	gen := func(privPEM, pubPEM *string, primes int) *rsa.PrivateKey {
		if err != nil {
			return nil
		}
		var k *rsa.PrivateKey
		if k, err = rsa.GenerateMultiPrimeKey(rand.Reader, primes, 2048); err != nil {
			return nil
		}
		*privPEM, *pubPEM = privateKeyPEM(k), publicKeyPEM(&k.PublicKey)
		return k
	}
	const merchantPrimes, providerPrimes = 2, 3
	var unused string
	gen(&c.Alipay.AppPrivateKeyPEM, &c.Alipay.AppPublicKeyPEM, merchantPrimes)
	gen(&c.Alipay.AlipayPrivateKeyPEM, &c.Alipay.AlipayPublicKeyPEM, providerPrimes)
	merchant := gen(&c.WeChat.MerchantPrivateKeyPEM, &unused, merchantPrimes)
	platform := gen(&c.WeChat.PlatformPrivateKeyPEM, &unused, providerPrimes)
	gen(&c.WeChat.PublicKeyPrivatePEM, &c.WeChat.PublicKeyPEM, providerPrimes)
	if err != nil {
		return c, fmt.Errorf("providersim: generate keys: %w", err)
	}
	c.Alipay.AppID = "2021" + randDigits(12)
	c.Alipay.SellerID = "2088" + randDigits(12)
	c.WeChat.AppID = "wx" + randHex(8)
	c.WeChat.MchID = "19" + randDigits(8)
	c.WeChat.APIv2Key = randHex(16)
	c.WeChat.APIv3Key = randHex(16)
	c.WeChat.PublicKeyID = "PUB_KEY_ID_01" + c.WeChat.MchID + time.Now().Format("20060102") + randDigits(8)
	if c.WeChat.MerchantCertPEM, c.WeChat.MerchantSerial, err = selfSigned(merchant, c.WeChat.MchID, "商户API证书"); err != nil {
		return c, err
	}
	if c.WeChat.PlatformCertPEM, c.WeChat.PlatformSerial, err = selfSigned(platform, "Tenpay.com", "Tenpay.com Root CA"); err != nil {
		return c, err
	}
	c.Acquirer = AcquirerCredentials{MerchantID: "898" + randDigits(8) + "5411", TerminalID: "ZG" + randDigits(6), HMACKey: randHex(32)}
	return c, nil
}

// selfSigned makes a certificate for k and returns it as PEM with its serial
// in upper-case hex, the form WeChat Pay uses for serial_no.
func selfSigned(k *rsa.PrivateKey, cn, org string) (certPEM, serial string, err error) {
	sn := new(big.Int).SetBytes(randBytes(20))
	sn.SetBit(sn, 159, 0) // positive and at most 20 bytes
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{CommonName: cn, Organization: []string{org}, Country: []string{"CN"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(5, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		return "", "", fmt.Errorf("providersim: certificate for %s: %w", cn, err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		strings.ToUpper(hex.EncodeToString(sn.Bytes())), nil
}

// writeCredentials stores c as credentials.json plus one PEM file per key,
// readable by the owner only: they hold private keys.
func writeCredentials(dir string, c Credentials) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("providersim: create %s: %w", dir, err)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("providersim: encode credentials: %w", err)
	}
	files := map[string]string{
		credentialsFile:              string(b),
		"alipay_app_private_key.pem": c.Alipay.AppPrivateKeyPEM,
		"alipay_app_public_key.pem":  c.Alipay.AppPublicKeyPEM,
		"alipay_public_key.pem":      c.Alipay.AlipayPublicKeyPEM,
		"alipay_private_key.pem":     c.Alipay.AlipayPrivateKeyPEM,
		"wechat_apiclient_key.pem":   c.WeChat.MerchantPrivateKeyPEM,
		"wechat_apiclient_cert.pem":  c.WeChat.MerchantCertPEM,
		"wechat_platform_key.pem":    c.WeChat.PlatformPrivateKeyPEM,
		"wechat_platform_cert.pem":   c.WeChat.PlatformCertPEM,
		"wechat_pub_key.pem":         c.WeChat.PublicKeyPEM,
		"wechat_pub_key_private.pem": c.WeChat.PublicKeyPrivatePEM,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			return fmt.Errorf("providersim: write %s: %w", name, err)
		}
	}
	return nil
}

// parseKeys parses the PEM strings of c once, for every request to use.
func parseKeys(c Credentials) (*keySet, error) {
	var ks keySet
	var err error
	priv := func(s, what string) *rsa.PrivateKey {
		k, e := ParsePrivateKey(s)
		if e != nil && err == nil {
			err = fmt.Errorf("%s: %w", what, e)
		}
		return k
	}
	pub := func(s, what string) *rsa.PublicKey {
		k, e := ParsePublicKey(s)
		if e != nil && err == nil {
			err = fmt.Errorf("%s: %w", what, e)
		}
		return k
	}
	cert := func(s, what string) *x509.Certificate {
		k, e := parseCert(s)
		if e != nil && err == nil {
			err = fmt.Errorf("%s: %w", what, e)
		}
		return k
	}
	ks.alipayApp = pub(c.Alipay.AppPublicKeyPEM, "alipay app public key")
	ks.alipay = priv(c.Alipay.AlipayPrivateKeyPEM, "alipay private key")
	ks.wxMerchantCert = cert(c.WeChat.MerchantCertPEM, "wechat merchant certificate")
	ks.wxPlatform = priv(c.WeChat.PlatformPrivateKeyPEM, "wechat platform key")
	ks.wxPlatformCert = cert(c.WeChat.PlatformCertPEM, "wechat platform certificate")
	ks.wxPubKey = priv(c.WeChat.PublicKeyPrivatePEM, "wechat public-key private key")
	if err != nil {
		return nil, err
	}
	mk, ok := ks.wxMerchantCert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("wechat merchant certificate: not an RSA key")
	}
	ks.wxMerchant = mk
	if ks.acquirer, err = hex.DecodeString(c.Acquirer.HMACKey); err != nil || len(ks.acquirer) != 32 {
		return nil, fmt.Errorf("acquirer HMAC key: want 64 hex digits")
	}
	return &ks, nil
}

// ParsePrivateKey reads an RSA private key in PEM, PKCS#8 or PKCS#1.
func ParsePrivateKey(s string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("providersim: no PEM block")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("providersim: parse private key: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("providersim: private key is not RSA")
	}
	rk.Precompute()
	return rk, nil
}

// ParsePublicKey reads an RSA public key in PEM (PKIX or PKCS#1).
func ParsePublicKey(s string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("providersim: no PEM block")
	}
	if k, err := x509.ParsePKCS1PublicKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("providersim: parse public key: %w", err)
	}
	rk, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("providersim: public key is not RSA")
	}
	return rk, nil
}

func parseCert(s string) (*x509.Certificate, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	return x509.ParseCertificate(block.Bytes)
}

func privateKeyPEM(k *rsa.PrivateKey) string {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		panic("providersim: marshal RSA key: " + err.Error()) // cannot fail for a valid RSA key
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func publicKeyPEM(k *rsa.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		panic("providersim: marshal RSA public key: " + err.Error()) // cannot fail for RSA
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return b
}

func randHex(n int) string { return hex.EncodeToString(randBytes(n)) }

func randDigits(n int) string {
	b := randBytes(n)
	for i := range b {
		b[i] = '0' + b[i]%10
	}
	return string(b)
}
