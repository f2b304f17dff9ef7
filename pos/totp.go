package pos

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"hash"
	"strconv"
	"strings"
	"time"
)

// TOTP after RFC 6238 (and HOTP, RFC 4226): what an authenticator app on
// the manager's phone shows. Written with crypto/hmac; tested against the
// RFCs' vectors.

// TOTPPeriod is the time step of the codes: 30 s, as every authenticator.
const TOTPPeriod = 30 * time.Second

// TOTPDigits is how many digits an authenticator shows.
const TOTPDigits = 6

// ChallengeDigits is how many digits an approval challenge has.
const ChallengeDigits = 8

// hotp is RFC 4226's HOTP with hash h: dynamic truncation of
// HMAC(key, counter) to digits decimal digits.
func hotp(h func() hash.Hash, key []byte, counter uint64, digits int) string {
	mac := hmac.New(h, key)
	var c [8]byte
	binary.BigEndian.PutUint64(c[:], counter)
	mac.Write(c[:])
	return truncate(mac.Sum(nil), digits)
}

// truncate is RFC 4226 §5.3's dynamic truncation, zero-padded to digits.
func truncate(sum []byte, digits int) string {
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	s := strconv.FormatUint(uint64(bin%mod), 10)
	return strings.Repeat("0", digits-len(s)) + s
}

// TOTPStep is the time step t falls in.
func TOTPStep(t time.Time) int64 { return t.Unix() / int64(TOTPPeriod/time.Second) }

// totpAt is the code of key for step with hash h.
func totpAt(h func() hash.Hash, key []byte, step int64, digits int) string {
	return hotp(h, key, uint64(step), digits)
}

// TOTP is the 6-digit code an authenticator holding key shows at t
// (HMAC-SHA-1, 30 s steps).
func TOTP(key []byte, t time.Time) string {
	return totpAt(sha1.New, key, TOTPStep(t), TOTPDigits)
}

// VerifyTOTP checks a code typed at now against key, allowing the step
// before and after now's (a code read out over the phone takes time; the
// phone's clock may be off a little). It returns the step the code
// belongs to, which the store accepts once per approver.
func VerifyTOTP(key []byte, code string, now time.Time) (int64, error) {
	code = strings.TrimSpace(code)
	if len(code) != TOTPDigits || strings.Trim(code, "0123456789") != "" || len(key) == 0 {
		return 0, ErrBadTOTP
	}
	step := TOTPStep(now)
	for _, s := range []int64{step, step - 1, step + 1} {
		want := totpAt(sha1.New, key, s, TOTPDigits)
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, nil
		}
	}
	return 0, ErrBadTOTP
}

// Challenge is the 8-digit code the till shows for a request answered from
// afar: HMAC-SHA-256 of the till's key over the request's digest, so it
// names this one request on this till and nothing else. The cashier reads
// it out with the action; the approval and its audit event keep it, so the
// manager's note of what they approved matches the log.
func Challenge(tillKey []byte, req ApprovalRequest) string {
	mac := hmac.New(sha256.New, tillKey)
	mac.Write([]byte("zg-approval-challenge-1"))
	mac.Write(req.Digest())
	return truncate(mac.Sum(nil), ChallengeDigits)
}
