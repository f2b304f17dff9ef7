package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2/container"

	"zhanggui/app/ui/auditlog"
	"zhanggui/pos"
)

// actx is a context naming who is at the till (pos.WithActor): the store
// writes that name as the actor of the audit events of what is saved under
// it, and the payment service records it as who took a payment or gave a
// refund.
func (a *App) actx() context.Context {
	return pos.WithActor(context.Background(), a.cashier.Name)
}

// addAuditTab adds the audit log for those allowed to see it
// (pos.ActAuditView: the owner, and by default the manager and the
// accountant).
func (a *App) addAuditTab(items []*container.TabItem) []*container.TabItem {
	a.auditlog = nil
	d := a.deps.Audit
	if d.Events == nil || a.permissions().Decide(a.cashier.Role, pos.ActAuditView) != pos.Allow {
		return items
	}
	if d.Location == nil {
		d.Location = func() *time.Location { return a.settings.Location() }
	}
	a.auditlog = auditlog.New(d)
	return append(items, container.NewTabItem(auditlog.Title(), a.auditlog.Content))
}

// permissions is the permission table the screens gate by. Until the
// stored table is wired (issue 10, staff), the defaults.
func (a *App) permissions() pos.Permissions { return pos.DefaultPermissions() }
