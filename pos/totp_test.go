package pos

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"testing"
	"time"
)

// TestTOTPRFC6238 checks every vector of RFC 6238 Appendix B (8 digits,
// T0 = 0, X = 30 s) with each of its three hashes and seeds.
func TestTOTPRFC6238(t *testing.T) {
	seed20 := []byte("12345678901234567890")
	seed32 := []byte("12345678901234567890123456789012")
	seed64 := []byte("1234567890123456789012345678901234567890123456789012345678901234")
	tests := []struct {
		unix               int64
		sha1, sha256, s512 string
	}{
		{59, "94287082", "46119246", "90693936"},
		{1111111109, "07081804", "68084774", "25091201"},
		{1111111111, "14050471", "67062674", "99943326"},
		{1234567890, "89005924", "91819424", "93441116"},
		{2000000000, "69279037", "90698825", "38618901"},
		{20000000000, "65353130", "77737706", "47863826"},
	}
	for _, tt := range tests {
		step := TOTPStep(time.Unix(tt.unix, 0))
		for _, c := range []struct {
			name string
			h    func() hash.Hash
			key  []byte
			want string
		}{{"SHA1", sha1.New, seed20, tt.sha1}, {"SHA256", sha256.New, seed32, tt.sha256}, {"SHA512", sha512.New, seed64, tt.s512}} {
			if got := totpAt(c.h, c.key, step, 8); got != c.want {
				t.Errorf("TOTP %s at %d = %s, want %s", c.name, tt.unix, got, c.want)
			}
		}
	}
}

// TestHOTPRFC4226 checks RFC 4226 Appendix D's ten HOTP values.
func TestHOTPRFC4226(t *testing.T) {
	key := []byte("12345678901234567890")
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for i, w := range want {
		if got := hotp(sha1.New, key, uint64(i), 6); got != w {
			t.Errorf("HOTP(%d) = %s, want %s", i, got, w)
		}
	}
}

func TestTOTPSixDigits(t *testing.T) {
	// RFC 6238's SHA-1 vector at 59 s is 94287082: its last six digits.
	if got, want := TOTP([]byte("12345678901234567890"), time.Unix(59, 0)), "287082"; got != want {
		t.Errorf("TOTP at 59 s = %s, want %s", got, want)
	}
}

func TestVerifyTOTP(t *testing.T) {
	key := []byte("12345678901234567890")
	now := time.Unix(1111111111, 0)
	step := TOTPStep(now)
	tests := []struct {
		name     string
		code     string
		wantStep int64
		wantErr  error
	}{
		{"this step", TOTP(key, now), step, nil},
		{"the step before", TOTP(key, now.Add(-TOTPPeriod)), step - 1, nil},
		{"the step after", TOTP(key, now.Add(TOTPPeriod)), step + 1, nil},
		{"two steps old", TOTP(key, now.Add(-2*TOTPPeriod)), 0, ErrBadTOTP},
		{"spaces around", " " + TOTP(key, now) + " ", step, nil},
		{"letters", "12a456", 0, ErrBadTOTP},
		{"too short", "12345", 0, ErrBadTOTP},
		{"eight digits", "14050471", 0, ErrBadTOTP},
		{"empty", "", 0, ErrBadTOTP},
	}
	for _, tt := range tests {
		got, err := VerifyTOTP(key, tt.code, now)
		if got != tt.wantStep || err != tt.wantErr {
			t.Errorf("%s: VerifyTOTP(%q) = %d, %v; want %d, %v", tt.name, tt.code, got, err, tt.wantStep, tt.wantErr)
		}
	}
	if _, err := VerifyTOTP(nil, TOTP(nil, now), now); err != ErrBadTOTP {
		t.Errorf("VerifyTOTP with no key = %v, want ErrBadTOTP", err)
	}
}

// FuzzVerifyTOTP: any typed text is refused or belongs to a step near now,
// and never panics.
func FuzzVerifyTOTP(f *testing.F) {
	key := []byte("12345678901234567890")
	now := time.Unix(1111111111, 0)
	for _, s := range []string{TOTP(key, now), "12a456", "", " 050471 ", "99999999", "０５０４７１"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		step, err := VerifyTOTP(key, code, now)
		if err != nil {
			return
		}
		if d := step - TOTPStep(now); d < -1 || d > 1 {
			t.Errorf("VerifyTOTP(%q) accepted step %d, %d from now", code, step, d)
		}
	})
}

func TestChallenge(t *testing.T) {
	req := ApprovalRequest{ID: "r1", Actions: []Action{ActDrawerOpen}, Requester: Staff{ID: 2}}
	c := Challenge([]byte("till key"), req)
	if len(c) != ChallengeDigits {
		t.Fatalf("Challenge = %q, want %d digits", c, ChallengeDigits)
	}
	other := req
	other.Amount = 1
	if Challenge([]byte("till key"), other) == c {
		t.Errorf("another amount gives the same challenge %s", c)
	}
	if Challenge([]byte("other till"), req) == c {
		t.Errorf("another till's key gives the same challenge %s", c)
	}
	if got := Challenge([]byte("till key"), req); got != c {
		t.Errorf("Challenge again = %s, want %s", got, c)
	}
}
