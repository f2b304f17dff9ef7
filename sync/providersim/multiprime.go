package providersim

import (
	"crypto/rsa"
	"math/big"
	"sync"
)

// The simulator's provider keys (the keys that sign Alipay's and WeChat
// Pay's answers) are 2048-bit RSA keys of three primes (RFC 8017 §3.2
// multi-prime RSA). A signature is a plain PKCS#1 v1.5 signature under
// the same 2048-bit public key, indistinguishable to a client; computed by
// the Chinese remainder theorem over three 683-bit primes it costs under
// half of a two-prime one, and that signature is nearly all of the
// simulator's CPU per answer (BenchmarkSimulatorSignedPay). crypto/rsa
// does not use CRT for such keys, so this file does, with math/big: not
// constant-time, which a simulator's own test keys do not need. Keys of
// two primes (data directories from before) are signed by crypto/rsa.

// crtKey is a multi-prime key's precomputed CRT values (Garner's form).
type crtKey struct {
	n      *big.Int
	primes []*big.Int
	exps   []*big.Int // d mod (p_i − 1)
	coeffs []*big.Int // (p_0 ⋯ p_{i−1})⁻¹ mod p_i; coeffs[0] unused
	prods  []*big.Int // p_0 ⋯ p_{i−1}; prods[0] unused
	size   int
}

var crtKeys sync.Map // *rsa.PrivateKey → *crtKey

// crtOf returns k's CRT values, computed once per key.
func crtOf(k *rsa.PrivateKey) *crtKey {
	if c, ok := crtKeys.Load(k); ok {
		return c.(*crtKey)
	}
	c := &crtKey{n: k.N, size: k.Size()}
	prod := big.NewInt(1)
	one := big.NewInt(1)
	for _, p := range k.Primes {
		c.primes = append(c.primes, p)
		c.exps = append(c.exps, new(big.Int).Mod(k.D, new(big.Int).Sub(p, one)))
		c.prods = append(c.prods, new(big.Int).Set(prod))
		c.coeffs = append(c.coeffs, new(big.Int).ModInverse(new(big.Int).Mod(prod, p), p))
		prod.Mul(prod, p)
	}
	got, _ := crtKeys.LoadOrStore(k, c)
	return got.(*crtKey)
}

// sha256Prefix is the DER of the SHA-256 DigestInfo (RFC 8017 §9.2).
var sha256Prefix = []byte{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
	0x05, 0x00, 0x04, 0x20}

// signMultiPrime returns the PKCS#1 v1.5 signature of a SHA-256 digest:
// EM = 00 01 FF…FF 00 DigestInfo, then EM^d mod n by CRT.
func signMultiPrime(k *rsa.PrivateKey, digest []byte) []byte {
	c := crtOf(k)
	em := make([]byte, c.size)
	em[1] = 1
	t := len(sha256Prefix) + len(digest)
	for i := 2; i < c.size-t-1; i++ {
		em[i] = 0xff
	}
	copy(em[c.size-t:], sha256Prefix)
	copy(em[c.size-len(digest):], digest)
	m := new(big.Int).SetBytes(em)
	var s *big.Int
	for i, p := range c.primes {
		mi := new(big.Int).Exp(new(big.Int).Mod(m, p), c.exps[i], p)
		if i == 0 {
			s = mi
			continue
		}
		// Garner: s += prod·((m_i − s)·prod⁻¹ mod p_i), so s ≡ m_j mod p_j for j ≤ i.
		h := mi.Sub(mi, s)
		h.Mul(h, c.coeffs[i]).Mod(h, p)
		s.Add(s, h.Mul(h, c.prods[i]))
	}
	return s.FillBytes(make([]byte, c.size))
}
