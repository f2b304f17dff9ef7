package pos

import (
	"slices"

	"zhanggui/pos/money"
)

// Role is what a staff member is at the shop; the permission table says
// what each role may do.
type Role string

// Roles.
const (
	RoleOwner      Role = "owner"      // 店主: exactly one, cannot be removed; everything
	RoleManager    Role = "manager"    // 店长: runs the floor, approves
	RoleCashier    Role = "cashier"    // 收银员: sells
	RoleAccountant Role = "accountant" // 会计: reports, reconciliation and exports only
	RoleTrainee    Role = "trainee"    // 培训生: training mode only
)

// Roles lists the roles in the order the screens show them.
var Roles = []Role{RoleOwner, RoleManager, RoleCashier, RoleAccountant, RoleTrainee}

// Staff is a person who works the till.
type Staff struct {
	ID     int64
	Name   string
	Role   Role
	Active bool   // a deactivated member keeps their history but cannot log in
	Badge  string // an NFC badge's card UID (hex), "" for none
	TOTP   bool   // an authenticator is enrolled for approvals from afar
}

// Action is something the permission table gates.
type Action string

// The gated actions. Keys are stable: the permission table is stored by
// them and the audit log names them.
const (
	ActSell            Action = "sell"                // take payments at the checkout
	ActDiscount        Action = "discount"            // a manual discount above the free threshold
	ActPriceOverride   Action = "price_override"      // change a line's price
	ActLineDelete      Action = "line_delete"         // delete a line of the sale in progress
	ActSaleCancel      Action = "sale_cancel"         // cancel an unpaid sale
	ActRefund          Action = "refund"              // refund today's sale to its tender, up to the limit
	ActRefundLarge     Action = "refund_large"        // a refund above the amount limit
	ActRefundOld       Action = "refund_old"          // a refund of a sale older than the age limit
	ActRefundNoReceipt Action = "refund_no_receipt"   // 无单退货: a refund without the sale's receipt
	ActRefundOther     Action = "refund_other_tender" // refund to another tender than the original
	ActResolvePayment  Action = "resolve_payment"     // settle a 待确认 payment by hand
	ActDrawerOpen      Action = "drawer_open"         // open the drawer without a sale
	ActPaidIn          Action = "paid_in"
	ActPaidOut         Action = "paid_out"
	ActReprint         Action = "reprint"
	ActXReport         Action = "x_report"
	ActShiftClose      Action = "shift_close"
	ActSeeExpectedCash Action = "see_expected_cash" // the expected figure and over/short at a close
	ActZReport         Action = "z_report"          // 日结: close the business day
	ActReports         Action = "reports"           // sales reports and reconciliation
	ActCatalogue       Action = "catalogue"         // catalogue and price edits
	ActChannelKeys     Action = "channel_keys"
	ActStaff           Action = "staff"    // staff, roles, PINs, the permission table
	ActSettings        Action = "settings" // the shop's settings and devices
	ActBackup          Action = "backup"   // backup and restore
	ActAuditExport     Action = "audit_export"
	ActAuditView       Action = "audit_view" // the audit log and its verify
	ActStartTraining   Action = "start_training"
	ActResetLockout    Action = "reset_lockout" // unlock a member locked out by wrong PINs
)

// Actions lists every gated action in the order the permission screen
// shows them.
var Actions = []Action{
	ActSell, ActDiscount, ActPriceOverride, ActLineDelete, ActSaleCancel,
	ActRefund, ActRefundLarge, ActRefundOld, ActRefundNoReceipt, ActRefundOther,
	ActResolvePayment, ActDrawerOpen, ActPaidIn, ActPaidOut, ActReprint,
	ActXReport, ActShiftClose, ActSeeExpectedCash, ActZReport, ActReports,
	ActCatalogue, ActChannelKeys, ActStaff, ActSettings, ActBackup,
	ActAuditExport, ActAuditView, ActStartTraining, ActResetLockout,
}

// Grant is what the table says of a role and an action.
type Grant string

// Grants, from the most to the least open.
const (
	Allow   Grant = "allow"   // may do it
	Approve Grant = "approve" // may do it with a manager's (or the owner's) approval
	Deny    Grant = "deny"    // may not
)

// strictness orders grants: the strictest of several wins.
func (g Grant) strictness() int {
	switch g {
	case Allow:
		return 0
	case Approve:
		return 1
	}
	return 2 // Deny, and anything unknown
}

// Limits are the thresholds that decide which actions an intent is.
type Limits struct {
	FreeDiscountBP int64     // a manual discount up to this (basis points of the line or sale) is not ActDiscount
	RefundMax      money.Fen // a refund above it is ActRefundLarge
	RefundDays     int       // a refund of a sale older than this many business days is ActRefundOld (0: today only)
	RecountOver    money.Fen // a shift count off by more than this may be recounted once, then needs a reason
	IdleLockMin    int       // the till locks after this many idle minutes (0: never)
}

// DefaultLimits are the thresholds a new shop starts with.
func DefaultLimits() Limits {
	return Limits{FreeDiscountBP: 500, RefundMax: 20000, RefundDays: 0, RecountOver: 500, IdleLockMin: 5}
}

// Permissions is the shop's permission table: a grant per action and role,
// and the limits. The owner may do everything, whatever the table says.
type Permissions struct {
	Grants map[Action]map[Role]Grant
	Limits Limits
}

// DefaultPermissions is the table a new shop starts with (after
// ../shared/research/staff-training.md §5.1).
func DefaultPermissions() Permissions {
	g := map[Action]map[Role]Grant{}
	set := func(a Action, manager, cashier, accountant Grant) {
		g[a] = map[Role]Grant{RoleOwner: Allow, RoleManager: manager, RoleCashier: cashier,
			RoleAccountant: accountant, RoleTrainee: Deny}
	}
	set(ActSell, Allow, Allow, Deny)
	set(ActDiscount, Allow, Approve, Deny)
	set(ActPriceOverride, Allow, Approve, Deny)
	set(ActLineDelete, Allow, Allow, Deny)
	set(ActSaleCancel, Allow, Allow, Deny)
	set(ActRefund, Allow, Approve, Deny)
	set(ActRefundLarge, Approve, Deny, Deny)
	set(ActRefundOld, Approve, Deny, Deny)
	set(ActRefundNoReceipt, Approve, Deny, Deny)
	set(ActRefundOther, Approve, Deny, Deny)
	set(ActResolvePayment, Allow, Approve, Deny)
	set(ActDrawerOpen, Allow, Approve, Deny)
	set(ActPaidIn, Allow, Allow, Deny)
	set(ActPaidOut, Allow, Approve, Deny)
	set(ActReprint, Allow, Allow, Deny)
	set(ActXReport, Allow, Allow, Allow)
	set(ActShiftClose, Allow, Allow, Deny)
	set(ActSeeExpectedCash, Allow, Deny, Allow)
	set(ActZReport, Allow, Deny, Deny)
	set(ActReports, Allow, Deny, Allow)
	set(ActCatalogue, Allow, Deny, Deny)
	set(ActChannelKeys, Deny, Deny, Deny)
	set(ActStaff, Deny, Deny, Deny)
	set(ActSettings, Approve, Deny, Deny)
	set(ActBackup, Allow, Deny, Allow)
	set(ActAuditExport, Deny, Deny, Allow)
	set(ActAuditView, Allow, Deny, Allow)
	set(ActStartTraining, Allow, Deny, Deny)
	set(ActResetLockout, Allow, Deny, Deny)
	return Permissions{Grants: g, Limits: DefaultLimits()}
}

// Grant is what role may do of a: the owner is always allowed; an action
// or role the table does not name is denied.
func (p Permissions) Grant(role Role, a Action) Grant {
	if role == RoleOwner {
		return Allow
	}
	if g, ok := p.Grants[a][role]; ok {
		return g
	}
	return Deny
}

// Decide is the strictest grant of role over actions: an intent that is
// several actions at once (a large refund to another tender) needs what
// the strictest needs.
func (p Permissions) Decide(role Role, actions ...Action) Grant {
	out := Allow
	for _, a := range actions {
		if g := p.Grant(role, a); g.strictness() > out.strictness() {
			out = g
		}
	}
	return out
}

// CanApprove tells whether approver may approve actions for someone else:
// a manager or the owner who may do every one of them outright.
func (p Permissions) CanApprove(approver Staff, actions ...Action) bool {
	if !approver.Active || (approver.Role != RoleOwner && approver.Role != RoleManager) {
		return false
	}
	return p.Decide(approver.Role, actions...) == Allow
}

// ValidRole tells whether r is one of Roles.
func ValidRole(r Role) bool { return slices.Contains(Roles, r) }
