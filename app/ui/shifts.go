package ui

import (
	"zhanggui/app/ui/approve"
	"zhanggui/app/ui/shift"
	staffui "zhanggui/app/ui/staff"
	"zhanggui/hardware/printer"
	"zhanggui/pos"
)

// ShiftDeps are the shift tab's (app/ui/shift); a nil Store hides it.
type ShiftDeps struct {
	Store shift.Store
	// Permissions is the shop's permission table; nil: the staff
	// service's (App.permissions).
	Permissions func() pos.Permissions
	// Approve shows the approval sheet; nil: the till's gate (shiftApprove).
	Approve func(req shift.ApprovalRequest) (approvalID string, ok bool)
}

// newShiftScreen builds the shift tab, or nil when the till has no store
// for shifts.
func newShiftScreen(a *App) *shift.Screen {
	d := a.deps.Shifts
	if d.Store == nil {
		return nil
	}
	perms := d.Permissions
	if perms == nil {
		perms = a.permissions
	}
	if d.Approve == nil {
		d.Approve = a.shiftApprove
	}
	return shift.New(shift.Deps{
		Store: d.Store, Window: a.win, Permissions: perms, Approve: d.Approve, NewID: a.deps.NewID,
		Who:      a.Who,
		Settings: func() pos.Settings { return a.settings },
		Print:    a.printDoc,
	})
}

// printDoc queues any document on the receipt printer; none configured
// prints nothing.
func (a *App) printDoc(d printer.Doc) error {
	if a.printer == nil {
		return nil
	}
	job, err := printer.Encode(d, printer.Width(a.settings.PaperWidth))
	if err != nil {
		return pos.Errorf(pos.CodeInternal, "ui: encode %s: %w", d.Title, err)
	}
	a.printer.Submit(job)
	return nil
}

// shiftApprove is the shift screens' Approve hook: the gate's approval
// sheet, waited for off the Fyne goroutine. A cash move's or a close's
// approval is left unused: its ID travels with the row and the store uses
// it in the row's own transaction; any other (an X or Z report, the
// expected cash) is used at once.
func (a *App) shiftApprove(req shift.ApprovalRequest) (string, bool) {
	in := approve.Intent{Actions: req.Actions, What: shiftWhat(req.Actions), Subject: req.Subject, Amount: req.Amount}
	if rowApproval(req.Actions) {
		ap, _, ok := a.gate.Granted(in)
		return ap.ID, ok
	}
	ap, ok := a.gate.Approved(in)
	return ap.ID, ok
}

// rowApproval tells whether the store uses the approval of actions with
// the row it writes (cash moves, the close).
func rowApproval(actions []pos.Action) bool {
	for _, act := range actions {
		if act == pos.ActPaidIn || act == pos.ActPaidOut || act == pos.ActShiftClose {
			return true
		}
	}
	return false
}

// shiftWhat names the shift action for the sheet, as the permission
// editor names it.
func shiftWhat(actions []pos.Action) string {
	if len(actions) == 0 {
		return T("Shift")
	}
	return staffui.ActionName(actions[0])
}
