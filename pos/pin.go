package pos

import (
	"fmt"
	"slices"
	"time"
)

// PINLength is the length of a staff PIN: six digits.
const PINLength = 6

// Errors of staff PINs, logins and the staff list. The screens explain
// each in words of their own.
var (
	ErrPINFormat     = Errorf(CodeInvalid, "pos: a PIN is 6 digits")
	ErrWeakPIN       = Errorf(CodeInvalid, "pos: the PIN is too easy to guess")
	ErrWrongPIN      = Errorf(CodeInvalid, "pos: wrong PIN")
	ErrStaffInactive = Errorf(CodeInvalid, "pos: the staff member is deactivated")
	ErrLastOwner     = Errorf(CodeInvalid, "pos: the shop keeps exactly one active owner")
	ErrUnknownBadge  = Errorf(CodeNotFound, "pos: no staff member has this badge")
	ErrNotPermitted  = Errorf(CodeInvalid, "pos: not permitted for this role")
	ErrBadStaff      = Errorf(CodeInvalid, "pos: a staff member needs a name and a role")
	ErrStaffTaken    = Errorf(CodeConflict, "pos: another staff member has this name or badge")
	ErrNoTOTP        = Errorf(CodeNotFound, "pos: no authenticator is enrolled")
	ErrBadRecovery   = Errorf(CodeInvalid, "pos: wrong recovery code")
	ErrBadLimits     = Errorf(CodeInvalid, "pos: a limit is out of range")
)

// weakPINs are PINs people pick first (after the lists of leaked PINs):
// dates, keypad shapes and famous numbers.
var weakPINs = []string{
	"121212", "112233", "123123", "131313", "520520", "521521", "520521", "521314",
	"147258", "258369", "159753", "147852", "789456", "123321", "654123", "198964",
	"101010", "202020", "100200", "123654", "666888", "888666", "168168", "888999",
}

// ValidatePIN checks a new PIN: ErrPINFormat unless it is exactly six
// digits, ErrWeakPIN for a repeat (000000), a run up or down (123456,
// 654321, 345678) or a PIN of the short list of common ones.
func ValidatePIN(pin string) error {
	if len(pin) != PINLength {
		return ErrPINFormat
	}
	for i := 0; i < len(pin); i++ {
		if pin[i] < '0' || pin[i] > '9' {
			return ErrPINFormat
		}
	}
	if repeated(pin) || run(pin, 1) || run(pin, -1) || slices.Contains(weakPINs, pin) {
		return ErrWeakPIN
	}
	return nil
}

func repeated(pin string) bool {
	for i := 1; i < len(pin); i++ {
		if pin[i] != pin[0] {
			return false
		}
	}
	return true
}

// run tells whether each digit is the one before plus step (mod 10:
// 890123 is a run too).
func run(pin string, step int) bool {
	for i := 1; i < len(pin); i++ {
		if (int(pin[i]-'0')-int(pin[i-1]-'0')-step+20)%10 != 0 {
			return false
		}
	}
	return true
}

// The lockout ladder: after LockoutStart wrong PINs in a row the member
// waits, longer with each further failure; after LockoutForGood only a
// manager's or the owner's reset lets them in again.
const (
	LockoutStart   = 5
	LockoutForGood = 10
)

// LockoutAfter is what failures wrong PINs in a row cost: no wait below
// 5; 5 → 30 s, 6 → 2 min, 7 to 9 → 10 min; 10 or more → locked until
// reset (forGood).
func LockoutAfter(failures int) (wait time.Duration, forGood bool) {
	switch {
	case failures >= LockoutForGood:
		return 0, true
	case failures >= 7:
		return 10 * time.Minute, false
	case failures == 6:
		return 2 * time.Minute, false
	case failures == LockoutStart:
		return 30 * time.Second, false
	}
	return 0, false
}

// LockedOutError says a member may not try a PIN now: until Until, or
// (ForGood) until a manager resets the lockout.
type LockedOutError struct {
	Until   time.Time
	ForGood bool
}

func (e *LockedOutError) Error() string {
	if e.ForGood {
		return "pos: locked out until a manager resets it"
	}
	return fmt.Sprintf("pos: locked out until %s", e.Until.UTC().Format(time.RFC3339))
}
