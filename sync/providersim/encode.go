package providersim

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// obj is a JSON object that keeps its field order. Alipay signs the exact
// text of a response node, so the simulator writes it byte by byte instead
// of relying on a map's order.
type obj []field

type field struct {
	k string
	v any // string, int64, int, bool, obj, []obj
}

// add appends a field.
func (o obj) add(k string, v any) obj { return append(o, field{k, v}) }

// addNonEmpty appends a string field unless it is empty.
func (o obj) addNonEmpty(k, v string) obj {
	if v == "" {
		return o
	}
	return append(o, field{k, v})
}

// MarshalJSON writes o compactly, fields in order, without HTML escaping.
func (o obj) MarshalJSON() ([]byte, error) { return o.appendJSON(nil), nil }

func (o obj) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i, f := range o {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, f.k)
		b = append(b, ':')
		b = appendJSONValue(b, f.v)
	}
	return append(b, '}')
}

func appendJSONValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case string:
		return appendJSONString(b, v)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case bool:
		return strconv.AppendBool(b, v)
	case obj:
		return v.appendJSON(b)
	case []obj:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = e.appendJSON(b)
		}
		return append(b, ']')
	case nil:
		return append(b, "null"...)
	}
	panic(fmt.Sprintf("providersim: obj cannot hold a %T", v)) // programming error
}

// appendJSONString appends s as a JSON string. Non-ASCII text stays UTF-8,
// as the providers send it; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// signRSA signs msg with SHA256withRSA (PKCS#1 v1.5) and returns base64:
// Alipay RSA2 and WeChat Pay v3 both use it.
func signRSA(k *rsa.PrivateKey, msg []byte) string {
	h := sha256.Sum256(msg)
	if len(k.Primes) > 2 { // the provider keys: multiprime.go
		return base64.StdEncoding.EncodeToString(signMultiPrime(k, h[:]))
	}
	sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, h[:])
	if err != nil {
		panic("providersim: RSA sign: " + err.Error()) // only for a broken key, checked at start
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// verifyRSA checks a base64 SHA256withRSA signature of msg.
func verifyRSA(k *rsa.PublicKey, msg []byte, sigB64 string) bool {
	sig, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil {
		return false
	}
	h := sha256.Sum256(msg)
	return rsa.VerifyPKCS1v15(k, crypto.SHA256, h[:], sig) == nil
}

// tamper spoils a base64 signature but keeps it well-formed base64, so a
// client fails at verification, not at decoding.
func tamper(sigB64 string) string {
	sig, err := base64.StdEncoding.DecodeString(sigB64)
	if err != nil || len(sig) == 0 {
		return sigB64 + "A"
	}
	sig[len(sig)/2] ^= 0x5a
	return base64.StdEncoding.EncodeToString(sig)
}
