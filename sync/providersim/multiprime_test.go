package providersim

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"testing"
)

// TestSignMultiPrime: the CRT signature of a three-prime key is the one
// crypto/rsa computes (PKCS#1 v1.5 is deterministic) and verifies with the
// public key alone; a key of the simulator's credentials has three primes.
func TestSignMultiPrime(t *testing.T) {
	k, err := rsa.GenerateMultiPrimeKey(rand.Reader, 3, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		msg := []byte(fmt.Sprintf(`{"code":"10000","n":%d}`, i))
		h := sha256.Sum256(msg)
		want, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, h[:])
		if err != nil {
			t.Fatal(err)
		}
		got := signRSA(k, msg)
		if got != base64.StdEncoding.EncodeToString(want) {
			t.Fatalf("message %d: CRT signature differs from crypto/rsa's", i)
		}
		if !verifyRSA(&k.PublicKey, msg, got) {
			t.Fatalf("message %d: does not verify", i)
		}
	}
	s, err := New(Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for name, k := range map[string]*rsa.PrivateKey{"alipay": s.keys.alipay, "wechat platform": s.keys.wxPlatform,
		"wechat public key": s.keys.wxPubKey} {
		if len(k.Primes) != 3 || k.N.BitLen() != 2048 {
			t.Errorf("%s key: %d primes, %d bits", name, len(k.Primes), k.N.BitLen())
		}
	}
}
