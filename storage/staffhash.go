package storage

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// PINParams are the argon2id costs of a PIN hash. The defaults are OWASP's
// minimum for argon2id (19 MiB, 2 passes, 1 lane): about 36 ms on the
// till's class of machine (BenchmarkPINCheck), slow enough that a copy of
// the database without the pepper file is useless and a stolen pepper still
// costs a million PINs × 36 ms, quick enough for a login.
type PINParams struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
}

// DefaultPINParams are the costs new hashes get.
var DefaultPINParams = PINParams{MemoryKiB: 19 * 1024, Time: 2, Threads: 1}

const (
	pinSaltSize = 16
	pinHashSize = 32
)

// hasher hashes PINs and recovery codes: argon2id over HMAC-SHA256(pepper,
// secret), written as a PHC string
// ($argon2id$v=19$m=19456,t=2,p=1$salt$hash). The pepper lives in a file
// beside the database (pepper.key), so the database alone (or a backup of
// it) does not let anyone test PINs.
type hasher struct {
	pepper []byte
	params PINParams
	runs   atomic.Int64 // argon2 runs, for the tests of constant work
	dummy  string       // a hash of nothing anyone knows: what an unknown ID is checked against
}

func newHasher(pepper []byte, p PINParams) (*hasher, error) {
	if len(pepper) < 16 {
		return nil, fmt.Errorf("storage: the PIN pepper has %d bytes, want at least 16", len(pepper))
	}
	h := &hasher{pepper: append([]byte(nil), pepper...), params: p}
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return nil, fmt.Errorf("storage: PIN dummy hash: %w", err)
	}
	dummy, err := h.hash(base64.RawStdEncoding.EncodeToString(random))
	if err != nil {
		return nil, err
	}
	h.dummy = dummy
	return h, nil
}

// peppered is what argon2 sees: the secret never goes in unkeyed.
func (h *hasher) peppered(secret string) []byte {
	m := hmac.New(sha256.New, h.pepper)
	m.Write([]byte("zhanggui staff pin v1\x00"))
	m.Write([]byte(secret))
	return m.Sum(nil)
}

func (h *hasher) derive(secret string, salt []byte, p PINParams) []byte {
	h.runs.Add(1)
	return argon2.IDKey(h.peppered(secret), salt, p.Time, p.MemoryKiB, p.Threads, pinHashSize)
}

// hash returns a new PHC string for secret with a fresh salt.
func (h *hasher) hash(secret string) (string, error) {
	salt := make([]byte, pinSaltSize)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("storage: PIN salt: %w", err)
	}
	p := h.params
	sum := h.derive(secret, salt, p)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(sum)), nil
}

// verify tells whether secret matches the PHC string phc. A string that
// does not parse (none set: "") is checked against the dummy hash, so
// every answer costs one argon2 run.
func (h *hasher) verify(phc, secret string) bool {
	p, salt, want, ok := parsePHC(phc)
	if !ok {
		p, salt, want, _ = parsePHC(h.dummy)
		h.derive(secret, salt, p)
		return false
	}
	return subtle.ConstantTimeCompare(h.derive(secret, salt, p), want) == 1
}

// parsePHC reads $argon2id$v=19$m=M,t=T,p=P$salt$hash.
func parsePHC(s string) (PINParams, []byte, []byte, bool) {
	var p PINParams
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, false
	}
	var threads uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &threads); n != 3 || err != nil {
		return p, nil, nil, false
	}
	p.Threads = uint8(threads)
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	sum, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(sum) == 0 || p.Time == 0 || p.MemoryKiB < 8 || p.MemoryKiB > 256*1024 || p.Time > 16 || p.Threads == 0 || threads > 255 {
		return p, nil, nil, false
	}
	return p, salt, sum, true
}

// LoadOrCreatePepper returns the PIN pepper kept in the file at path
// (pepper.key beside the database), creating it (mode 0600, 64 hex digits)
// when it does not exist. Like the secret key it is never in the database
// nor in its backups: without it the stored PIN hashes cannot be tested.
func LoadOrCreatePepper(path string) ([]byte, error) {
	return LoadOrCreateKey(path)
}

// deriveKey is a 32-byte key for one use, derived from the pepper.
func deriveKey(pepper []byte, label string) []byte {
	m := hmac.New(sha256.New, pepper)
	m.Write([]byte(label))
	return m.Sum(nil)
}
