package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"zhanggui/app/ui/auditlog"
	staffui "zhanggui/app/ui/staff"
	"zhanggui/pos"
)

// permissions is the shop's permission table as stored (the staff
// service's, which the permission editor saves); the defaults without a
// staff service or when it cannot be read. Read afresh each time, so an
// edit counts from the next decision.
func (a *App) permissions() pos.Permissions {
	svc := a.deps.Login.Service
	if svc == nil {
		return pos.DefaultPermissions()
	}
	p, err := svc.Permissions(context.Background())
	if err != nil {
		a.deps.Log.Error("permission table", "err", err)
		return pos.DefaultPermissions()
	}
	return p
}

// tabItems are the tabs for who is at the till: the checkout, orders,
// products and hardware for all; the others for those the permission
// table lets do something there.
func (a *App) tabItems() []*container.TabItem {
	p, role := a.permissions(), a.cashier.Role
	may := func(acts ...pos.Action) bool {
		for _, act := range acts {
			if p.Decide(role, act) != pos.Deny {
				return true
			}
		}
		return false
	}
	items := []*container.TabItem{
		container.NewTabItem(T("Checkout"), a.checkout.content),
		container.NewTabItem(T("Orders"), a.orders.content),
		container.NewTabItem(T("Products"), a.products.content),
	}
	add := func(ok bool, title string, c fyne.CanvasObject) {
		if ok {
			items = append(items, container.NewTabItem(title, c))
		}
	}
	add(may(pos.ActSettings, pos.ActBackup), T("Settings"), a.setup.content)
	items = append(items, container.NewTabItem(T("Hardware"), a.hardware.content))
	if a.channels != nil {
		add(may(pos.ActChannelKeys), T("Payment channels"), a.channels.content)
	}
	if a.shifts != nil {
		add(may(pos.ActPaidIn, pos.ActPaidOut, pos.ActXReport, pos.ActShiftClose, pos.ActZReport), T("Shift"), a.shifts.Content)
	}
	if a.reports != nil {
		add(may(pos.ActReports), T("Reports"), a.reports.content)
	}
	if a.accounting != nil {
		add(may(pos.ActReports), T("Reconciliation"), a.accounting.content)
	}
	if a.syncing != nil {
		items = append(items, container.NewTabItem(T("Sync"), a.syncing.content))
	}
	if a.staffs != nil {
		add(may(pos.ActStaff), T("Staff"), a.staffs.box)
	}
	if a.auditlog != nil {
		add(p.Decide(role, pos.ActAuditView) == pos.Allow, auditlog.Title(), a.auditlog.Content)
	}
	return items
}

// newAuditScreen builds the audit log screen when the till has one.
func (a *App) newAuditScreen() {
	a.auditlog = nil
	d := a.deps.Audit
	if d.Events == nil {
		return
	}
	if d.Location == nil {
		d.Location = func() *time.Location { return a.settings.Location() }
	}
	a.auditlog = auditlog.New(d)
}

// retab shows the tabs of who is at the till now (after a login or a
// switch: the permission table may differ, or have been edited since).
func (a *App) retab() {
	if a.staffs != nil {
		a.staffs.box.RemoveAll() // the admin screen is filled when the tab is selected, for who selects it
	}
	a.tabs.SetItems(a.tabItems())
}

// permissionsSaved shows the tabs the edited table gives who is at the
// till, staying on the tab shown (the permission editor's).
func (a *App) permissionsSaved() {
	shown := a.tabs.Selected()
	a.tabs.SetItems(a.tabItems())
	if shown != nil {
		if it := a.tabOf(shown.Content); it != nil {
			a.tabs.Select(it)
		}
	}
}

// savedHook is the staff service of the staff screens: a saved permission
// table reshows the tabs.
type savedHook struct {
	staffui.Service
	saved func()
}

func (h savedHook) SavePermissions(ctx context.Context, by pos.Staff, p pos.Permissions) error {
	err := h.Service.SavePermissions(ctx, by, p)
	if err == nil {
		h.saved()
	}
	return err
}

// tabOf is the tab showing c, or nil when it is not shown.
func (a *App) tabOf(c fyne.CanvasObject) *container.TabItem {
	for _, it := range a.tabs.Items {
		if it.Content == c {
			return it
		}
	}
	return nil
}
