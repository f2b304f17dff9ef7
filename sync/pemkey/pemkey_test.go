package pemkey

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

func key(t testing.TB) *rsa.PrivateKey {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		testKey = k
	})
	return testKey
}

func pemOf(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

func encodings(t testing.TB) (private, public map[string]string) {
	k := key(t)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	pkix1, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "wechatpay"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	private = map[string]string{
		"pkcs1": pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k)),
		"pkcs8": pemOf("PRIVATE KEY", pkcs8),
	}
	public = map[string]string{
		"pkix":              pemOf("PUBLIC KEY", pkix1),
		"pkcs1":             pemOf("RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&k.PublicKey)),
		"pkcs1 as PKIX tag": pemOf("PUBLIC KEY", x509.MarshalPKCS1PublicKey(&k.PublicKey)),
		"certificate":       pemOf("CERTIFICATE", cert),
	}
	return private, public
}

func TestParseEveryEncoding(t *testing.T) {
	private, public := encodings(t)
	for name, s := range private {
		k, err := ParsePrivate("\n" + s)
		if err != nil || !k.Equal(key(t)) {
			t.Errorf("private %s: %v", name, err)
		}
	}
	bare := func(p string) string { // Alipay's key tool: base64, no armour
		lines := strings.Split(strings.TrimSpace(p), "\n")
		return strings.Join(lines[1:len(lines)-1], "")
	}
	private["bare pkcs8"], public["bare pkix"] = bare(private["pkcs8"]), bare(public["pkix"])
	for name, s := range public {
		k, err := ParsePublic(s)
		if err != nil || !k.Equal(&key(t).PublicKey) {
			t.Errorf("public %s: %v", name, err)
		}
	}
}

func TestParseRefusesWrongInput(t *testing.T) {
	private, public := encodings(t)
	cases := []struct {
		name string
		s    string
		priv bool
	}{
		{"empty private", "", true},
		{"bare base64", strings.Join(strings.Split(private["pkcs1"], "\n")[1:3], ""), true},
		{"public as private", public["pkix"], true},
		{"private as public", private["pkcs8"], false},
		{"garbage block", pemOf("PUBLIC KEY", []byte("not DER")), false},
	}
	for _, c := range cases {
		var err error
		if c.priv {
			_, err = ParsePrivate(c.s)
		} else {
			_, err = ParsePublic(c.s)
		}
		if err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
	if _, err := ParsePublic("hello"); !errors.Is(err, ErrNoPEM) {
		t.Errorf("no PEM: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	private, public := encodings(f)
	for _, s := range private {
		f.Add(s)
	}
	for _, s := range public {
		f.Add(s)
	}
	f.Add("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
	f.Fuzz(func(t *testing.T, s string) {
		if k, err := ParsePrivate(s); err == nil && k == nil {
			t.Fatal("nil key without error")
		}
		if k, err := ParsePublic(s); err == nil && k == nil {
			t.Fatal("nil key without error")
		}
	})
}
