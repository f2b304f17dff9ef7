// Package pemkey reads the RSA keys and certificates that payment
// providers hand out in PEM: the till's private keys (PKCS#1 or PKCS#8)
// and the providers' public keys (PKIX, PKCS#1 or an X.509 certificate).
//
// The provider clients and the channel settings share it; the provider
// simulator keeps its own reader on purpose, so that a bug here cannot hide
// behind the same bug there.
package pemkey

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// ErrNoPEM is returned for text that is neither PEM nor a bare base64 key.
var ErrNoPEM = errors.New("pemkey: no PEM block")

// decode returns the DER of the first PEM block of s and its type. Alipay's
// key tool hands out keys as bare base64 without PEM armour; such text is
// accepted too, with an empty type.
func decode(s string) (der []byte, typ string, err error) {
	if block, _ := pem.Decode([]byte(s)); block != nil {
		return block.Bytes, block.Type, nil
	}
	bare := strings.Join(strings.Fields(s), "")
	if len(bare) < 64 {
		return nil, "", ErrNoPEM
	}
	der, err = base64.StdEncoding.DecodeString(bare)
	if err != nil {
		return nil, "", ErrNoPEM
	}
	return der, "", nil
}

// ParsePrivate reads an RSA private key in PKCS#1 or PKCS#8 PEM.
func ParsePrivate(s string) (*rsa.PrivateKey, error) {
	der, _, err := decode(s)
	if err != nil {
		return nil, err
	}
	if k, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("pemkey: not a private key: %w", err)
	}
	return asRSA[*rsa.PrivateKey](k)
}

// ParsePublic reads an RSA public key (PKIX or PKCS#1) or the public key
// of an X.509 certificate, in PEM.
func ParsePublic(s string) (*rsa.PublicKey, error) {
	der, typ, err := decode(s)
	if err != nil {
		return nil, err
	}
	var k any
	switch typ {
	case "CERTIFICATE":
		var cert *x509.Certificate
		if cert, err = x509.ParseCertificate(der); err == nil {
			k = cert.PublicKey
		}
	case "RSA PUBLIC KEY":
		k, err = x509.ParsePKCS1PublicKey(der)
	default:
		if k, err = x509.ParsePKIXPublicKey(der); err != nil {
			// Some providers label PKCS#1 keys "PUBLIC KEY".
			if pk, err1 := x509.ParsePKCS1PublicKey(der); err1 == nil {
				k, err = pk, nil
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("pemkey: not a public key or certificate: %w", err)
	}
	return asRSA[*rsa.PublicKey](k)
}

func asRSA[K *rsa.PrivateKey | *rsa.PublicKey](k any) (K, error) {
	rk, ok := k.(K)
	if !ok {
		return nil, fmt.Errorf("pemkey: a %T, not an RSA key", k)
	}
	return rk, nil
}
