package ui

import (
	"context"
	"sync"
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
	ctx := pos.WithActor(context.Background(), a.cashier.Name)
	if approver := a.takeApprover(); approver != "" {
		ctx = pos.WithApprover(ctx, approver)
	}
	return ctx
}

// approved holds the approver of the gated action under way whose own
// store call writes its audit event (a refund, the settings, the channel
// keys, the catalogue, a restore): the next actx hands it to that call
// (pos.WithApprover), once. The next gated action, a lock and a login
// clear it. A mutex: a refund calls actx from its own goroutine.
type approved struct {
	mu   sync.Mutex
	name string
}

// setApprover notes name (or none) as the approver of what comes next.
func (a *App) setApprover(name string) {
	a.approval.mu.Lock()
	a.approval.name = name
	a.approval.mu.Unlock()
}

// takeApprover is the approver noted, and forgets it.
func (a *App) takeApprover() string {
	a.approval.mu.Lock()
	defer a.approval.mu.Unlock()
	name := a.approval.name
	a.approval.name = ""
	return name
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
