package pos_test

import (
	"errors"
	"testing"
	"time"

	"zhanggui/pos"
)

func TestValidatePIN(t *testing.T) {
	cases := []struct {
		pin  string
		want error
	}{
		{"284716", nil}, {"907153", nil}, {"135790", nil},
		{"", pos.ErrPINFormat}, {"12345", pos.ErrPINFormat}, {"1234567", pos.ErrPINFormat},
		{"12a456", pos.ErrPINFormat}, {"１２３４５６", pos.ErrPINFormat}, {" 28471", pos.ErrPINFormat},
		{"000000", pos.ErrWeakPIN}, {"999999", pos.ErrWeakPIN},
		{"123456", pos.ErrWeakPIN}, {"654321", pos.ErrWeakPIN}, {"345678", pos.ErrWeakPIN},
		{"890123", pos.ErrWeakPIN}, {"210987", pos.ErrWeakPIN},
		{"121212", pos.ErrWeakPIN}, {"520520", pos.ErrWeakPIN}, {"112233", pos.ErrWeakPIN},
	}
	for _, c := range cases {
		if got := pos.ValidatePIN(c.pin); !errors.Is(got, c.want) {
			t.Errorf("ValidatePIN(%q) = %v, want %v", c.pin, got, c.want)
		}
	}
}

func FuzzValidatePIN(f *testing.F) {
	for _, s := range []string{"284716", "000000", "123456", "12a456", "", "１２３４５６"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pin string) {
		err := pos.ValidatePIN(pin)
		if err == nil && len(pin) != pos.PINLength {
			t.Fatalf("%q accepted with length %d", pin, len(pin))
		}
		if err != nil && !errors.Is(err, pos.ErrPINFormat) && !errors.Is(err, pos.ErrWeakPIN) {
			t.Fatalf("%q: unexpected error %v", pin, err)
		}
	})
}

func TestLockoutLadder(t *testing.T) {
	cases := []struct {
		failures int
		wait     time.Duration
		forGood  bool
	}{
		{0, 0, false}, {1, 0, false}, {4, 0, false},
		{5, 30 * time.Second, false}, {6, 2 * time.Minute, false},
		{7, 10 * time.Minute, false}, {9, 10 * time.Minute, false},
		{10, 0, true}, {25, 0, true},
	}
	for _, c := range cases {
		wait, forGood := pos.LockoutAfter(c.failures)
		if wait != c.wait || forGood != c.forGood {
			t.Errorf("LockoutAfter(%d) = %v, %v; want %v, %v", c.failures, wait, forGood, c.wait, c.forGood)
		}
	}
}

func TestLockedOutErrorText(t *testing.T) {
	until := time.Date(2026, 12, 8, 2, 0, 0, 0, time.UTC)
	if got := (&pos.LockedOutError{Until: until}).Error(); got != "pos: locked out until 2026-12-08T02:00:00Z" {
		t.Errorf("timed lockout: %q", got)
	}
	if got := (&pos.LockedOutError{ForGood: true}).Error(); got != "pos: locked out until a manager resets it" {
		t.Errorf("lockout for good: %q", got)
	}
}
