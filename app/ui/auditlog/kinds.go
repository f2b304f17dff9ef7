package auditlog

import (
	"zhanggui/app/ui/kit"
	"zhanggui/pos"
)

// kindNames words each audit kind for the owner, in English (T gives the
// Chinese). The order is the filter's.
var kindNames = []struct {
	kind pos.AuditKind
	name string
}{
	{pos.AuditSale, "Sale"},
	{pos.AuditPayment, "Payment"},
	{pos.AuditRefund, "Refund made"},
	{pos.AuditVoid, "Void"},
	{pos.AuditDiscount, "Discount"},
	{pos.AuditPriceOverride, "Price override"},
	{pos.AuditLineDeleted, "Line deleted"},
	{pos.AuditSaleCancelled, "Sale cancelled"},
	{pos.AuditDrawerOpen, "Drawer opened"},
	{pos.AuditReprint, "Reprint"},
	{pos.AuditApproval, "Approval"},
	{pos.AuditCashMove, "Cash in/out"},
	{pos.AuditShiftOpen, "Shift opened"},
	{pos.AuditShiftClose, "Shift closed"},
	{pos.AuditXReport, "X report"},
	{pos.AuditZReport, "Z report"},
	{pos.AuditLogin, "Login"},
	{pos.AuditLoginFailed, "Failed login"},
	{pos.AuditLockout, "Locked out"},
	{pos.AuditLock, "Screen locked"},
	{pos.AuditSwitch, "Staff switched"},
	{pos.AuditStaffChanged, "Staff changed"},
	{pos.AuditPINChanged, "PIN changed"},
	{pos.AuditLockoutReset, "Lockout reset"},
	{pos.AuditPermission, "Permissions changed"},
	{pos.AuditProduct, "Catalogue changed"},
	{pos.AuditSettings, "Settings changed"},
	{pos.AuditChannelKeys, "Channel keys changed"},
	{pos.AuditClockBackwards, "Clock moved back"},
	{pos.AuditBackup, "Backup"},
	{pos.AuditRestore, "Restore"},
	{pos.AuditExport, "Export"},
	{pos.AuditVerify, "Audit verified"},
	{pos.AuditTraining, "Training"},
}

// kindLabel is how the screen names k: its words, or the kind itself for
// one this version does not know (written by a newer till).
func kindLabel(k pos.AuditKind) string {
	for _, n := range kindNames {
		if n.kind == k {
			return kit.T(n.name)
		}
	}
	return string(k)
}

// kindLabels lists the filter's choices: all kinds first.
func kindLabels() []string {
	out := []string{kit.T("All events")}
	for _, n := range kindNames {
		out = append(out, kit.T(n.name))
	}
	return out
}

// kindOf is the kind a filter choice names; "" for all.
func kindOf(label string) pos.AuditKind {
	for _, n := range kindNames {
		if kit.T(n.name) == label {
			return n.kind
		}
	}
	return ""
}

// kindExtras are the labels shown through kindNames, for the translation
// test.
func kindExtras() []string {
	out := make([]string, len(kindNames))
	for i, n := range kindNames {
		out[i] = n.name
	}
	return out
}
