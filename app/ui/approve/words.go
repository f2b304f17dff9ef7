package approve

import (
	"errors"

	"zhanggui/app/ui/kit"
	"zhanggui/pos"
)

// Message is what the till says of an approval's problem.
func Message(err error) string {
	if err == nil {
		return ""
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
