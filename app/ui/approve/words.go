package approve

import (
	"errors"
	"time"

	"zhanggui/app/ui/kit"
	"zhanggui/pos"
)

// Message is what the till says of an approval's problem; times are shown
// in the shop's zone loc.
func Message(err error, loc *time.Location) string {
	if err == nil {
		return ""
	}
	var lock *pos.LockedOutError
	if errors.As(err, &lock) {
		if lock.ForGood {
			return kit.T("Too many wrong PINs: this approver is locked until the owner or a manager resets it.")
		}
		return kit.Tf("Too many wrong PINs: this approver may try again at %s.", lock.Until.In(loc).Format("15:04:05"))
	}
	for _, m := range messages {
		if errors.Is(err, m.err) {
			return kit.T(m.msg)
		}
	}
	switch pos.ErrorCode(err) {
	case pos.CodeInvalid:
		return kit.T("Please check what was entered.")
	case pos.CodeNotFound:
		return kit.T("The approval was not found. Ask again.")
	case pos.CodeConflict:
		return kit.T("This conflicts with an earlier record. Call the owner.")
	case pos.CodeUnavailable:
		return kit.T("Device or network unavailable. Please try again.")
	}
	return kit.T("Internal error. The details are in the log.")
}

var messages = []struct {
	err error
	msg string
}{
	{pos.ErrWrongPIN, "Wrong PIN. Try again; repeated wrong PINs lock the approver out."},
	{pos.ErrStaffInactive, "This approver is deactivated."},
	{pos.ErrNoTOTP, "This approver has no authenticator enrolled."},
	{pos.ErrSelfApproval, "Nobody but the owner may approve their own request."},
	{pos.ErrCannotApprove, "This approver may not do this themselves, so cannot approve it."},
	{pos.ErrApprovalUsed, "This approval was already used. Ask again."},
	{pos.ErrApprovalExpired, "The approval is more than two minutes old. Ask again."},
	{pos.ErrApprovalMismatch, "The approval is for another action or amount. Ask again."},
	{pos.ErrBadTOTP, "The authenticator code is wrong or too old: 6 digits, the one shown now."},
	{pos.ErrTOTPReused, "This authenticator code was already used. Wait for the next one (30 s) and read it out again."},
}

// RoleName is a role in the till's words.
func RoleName(r pos.Role) string {
	switch r {
	case pos.RoleOwner:
		return kit.T("Owner")
	case pos.RoleManager:
		return kit.T("Manager")
	case pos.RoleCashier:
		return kit.T("Cashier")
	case pos.RoleAccountant:
		return kit.T("Accountant")
	case pos.RoleTrainee:
		return kit.T("Trainee")
	}
	return string(r)
}
