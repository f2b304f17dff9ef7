package ui

import (
	"time"

	"fyne.io/fyne/v2/dialog"

	"zhanggui/app/ui/approve"
	"zhanggui/pos"
)

// newGate builds the gate every gated action passes (app/ui/approve).
func (a *App) newGate() *approve.Gate {
	d := a.deps.Approve
	if s, ok := a.deps.Login.Service.(approve.Staffing); ok && d.Staff == nil {
		d.Staff = s // the stored permission table, as every screen reads it
	}
	if d.NewID == nil {
		d.NewID = a.deps.NewID
	}
	if d.Now == nil {
		d.Now = a.deps.Now
	}
	if d.Log == nil {
		d.Log = a.deps.Log
	}
	if d.Till == nil {
		d.Till = func() string { return a.settings.StoreCode + "-" + a.settings.TillCode }
	}
	if d.Zone == nil {
		d.Zone = func() *time.Location { return a.settings.Location() }
	}
	return &approve.Gate{Deps: d, Win: a.win, Who: a.Who, Tell: a.tellRefusal}
}

// tellRefusal shows why a gated action did not happen.
func (a *App) tellRefusal(msg string) {
	a.refusal = msg
	dialog.ShowInformation(T("Not allowed"), msg, a.win)
}

// gated runs act when who is at the till may do in, after an approval when
// one is needed (see approve.Gate.Do).
// An approved action whose store writes its own audit event (in.Audit
// empty) gets the approver on its next store call (see actx).
func (a *App) gated(in approve.Intent, act func(approver pos.Staff) error) {
	a.setApprover("")
	a.gate.Do(in, func(approver pos.Staff) error {
		if in.Audit == "" {
			a.setApprover(approver.Name)
		}
		return act(approver)
	})
}

// reprint prints sale's receipt again, when who is at the till may
// (ActReprint); show gets the printer's error.
func (a *App) reprint(sale *pos.Sale, show func(error)) {
	in := approve.Intent{Actions: []pos.Action{pos.ActReprint}, What: T("Reprint a receipt"),
		Subject: "sale:" + sale.ID, Detail: sale.No, Amount: sale.Total, Audit: pos.AuditReprint}
	a.gated(in, func(pos.Staff) error {
		err := a.printReceipt(sale)
		show(err)
		return err
	})
}

func settingsIntent() approve.Intent {
	return approve.Intent{Actions: []pos.Action{pos.ActSettings}, What: T("Change the settings"), Subject: "settings"}
}

func backupIntent() approve.Intent {
	return approve.Intent{Actions: []pos.Action{pos.ActBackup}, What: T("Back up or restore the data"), Subject: "backup"}
}

func catalogueIntent(detail string) approve.Intent {
	return approve.Intent{Actions: []pos.Action{pos.ActCatalogue}, What: T("Edit the catalogue"), Subject: "catalogue", Detail: detail}
}

// may tells whether who is at the till may do actions, alone or with an
// approval: a button for them is shown enabled.
func (a *App) may(actions ...pos.Action) bool { return a.gate.Decide(actions...) != pos.Deny }
