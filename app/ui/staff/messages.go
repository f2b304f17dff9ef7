package staff

import (
	"errors"
	"fmt"
	"time"

	"zhanggui/pos"
)

// Message tells the person at the till what went wrong, in their language.
func Message(err error, now time.Time) string {
	var lock *pos.LockedOutError
	if errors.As(err, &lock) {
		if lock.ForGood {
			return T("Locked after too many wrong PINs: a manager or the owner must unlock you")
		}
		return Tf("Too many wrong PINs: try again in %s", waitText(lock.Until.Sub(now)))
	}
	for _, m := range messages {
		if errors.Is(err, m.err) {
			return T(m.text)
		}
	}
	return T("Something went wrong; see the log")
}

var messages = []struct {
	err  error
	text string
}{
	{pos.ErrWrongPIN, "Wrong PIN"},
	{pos.ErrStaffInactive, "This staff member is deactivated"},
	{pos.ErrPINFormat, "A PIN is 6 digits"},
	{pos.ErrWeakPIN, "This PIN is too easy to guess; choose another"},
	{pos.ErrLastOwner, "The shop keeps exactly one owner, always active"},
	{pos.ErrUnknownBadge, "This badge belongs to nobody"},
	{pos.ErrNotPermitted, "Your role may not do this"},
	{pos.ErrBadStaff, "Enter a name and choose a role"},
	{pos.ErrStaffTaken, "Another staff member has this name or badge"},
	{pos.ErrBadRecovery, "Wrong recovery code"},
	{pos.ErrBadLimits, "A limit is out of range"},
}

// waitText is a wait rounded up to whole seconds or minutes.
func waitText(d time.Duration) string {
	if d < time.Second {
		d = time.Second
	}
	if d < time.Minute {
		return Tf("%d s", int((d+time.Second-1)/time.Second))
	}
	return Tf("%d min", int((d+time.Minute-1)/time.Minute))
}

// mask shows n typed digits of a 6-digit PIN.
func mask(n int) string {
	out := ""
	for i := 0; i < pos.PINLength; i++ {
		if i < n {
			out += "●"
		} else {
			out += "○"
		}
	}
	return fmt.Sprint(out)
}
