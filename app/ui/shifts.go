package ui

import (
	"zhanggui/app/ui/shift"
	"zhanggui/hardware/printer"
	"zhanggui/pos"
)

// ShiftDeps are the shift tab's (app/ui/shift); a nil Store hides it.
type ShiftDeps struct {
	Store shift.Store
	// Permissions is the shop's permission table; nil: the staff
	// service's (App.permissions).
	Permissions func() pos.Permissions
	// Approve shows the approval sheet; nil refuses what needs approval.
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
