package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"zhanggui/app/ui/auditlog"
	staffui "zhanggui/app/ui/staff"
	"zhanggui/pos"
)

// ctrlL presses the 锁屏 key (Ctrl+L) in the scan field.
func (f *fixture) ctrlL(t *testing.T) {
	t.Helper()
	f.app.selectTab(0)
	f.app.checkout.scan.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierControl})
	if !f.app.Locked() {
		t.Fatal("Ctrl+L did not lock")
	}
}

// The tabs follow who logs in, by the stored permission table: the owner
// sees the audit log and the staff tab, a cashier after a switch sees
// neither; once the owner allows cashiers the audit log in the
// permission editor, the cashier's next login shows it.
func TestTabsFollowWhoLogsIn(t *testing.T) {
	f := newFixture(t)
	c := addCashier(t, f)
	f.app.deps.Audit = auditlog.Deps{Events: f.db.AuditEvents,
		Verify: func(ctx context.Context) (pos.AuditVerification, error) { return f.db.VerifyAudit(ctx, 1) }}
	f.app.build()
	if auditTab(f.app) < 0 || f.app.tabOf(f.app.staffs.box) == nil || f.app.tabOf(f.app.setup.content) == nil {
		t.Fatal("the owner lacks the audit, staff or settings tab")
	}
	f.ctrlL(t)
	loginAs(t, f.app, c.ID, cashierPIN)
	if auditTab(f.app) >= 0 || f.app.tabOf(f.app.staffs.box) != nil || f.app.tabOf(f.app.setup.content) != nil {
		t.Fatal("a cashier sees the audit, staff or settings tab")
	}
	if f.app.reports != nil && f.app.tabOf(f.app.reports.content) != nil {
		t.Error("a cashier sees the reports")
	}
	f.ctrlL(t)
	loginAs(t, f.app, 1, ownerPIN)
	ed := staffui.NewPermissionEditor(f.app.loginDeps(), f.app.Who)
	ed.Reload()
	ed.Set(pos.ActAuditView, pos.RoleCashier, pos.Allow)
	ed.Save()
	if ed.Message() != staffui.T("Permission table saved") {
		t.Fatalf("the editor: %q", ed.Message())
	}
	f.ctrlL(t)
	loginAs(t, f.app, c.ID, cashierPIN)
	if auditTab(f.app) < 0 {
		t.Error("after the owner allowed it, the cashier has no audit tab")
	}
	if f.app.tabOf(f.app.staffs.box) != nil {
		t.Error("the cashier sees the staff tab")
	}
}

// addMember adds name with role and pin on the staff admin screen, as the
// owner (on duty) would.
func addMember(t *testing.T, f *fixture, name string, role pos.Role, pin string) pos.Staff {
	t.Helper()
	f.app.tabs.Select(f.app.tabOf(f.app.staffs.box))
	adm := f.app.StaffAdmin()
	adm.Edit(pos.Staff{Role: role, Active: true})
	adm.Fill(name, role, pin)
	adm.Save()
	for _, s := range adm.Staff() {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("%s not added: %q", name, adm.Message())
	return pos.Staff{}
}

// The accountant lands on the reports after logging in and cannot take a
// payment at the checkout: told so in Chinese, nothing charged.
func TestAccountantCannotSell(t *testing.T) {
	f := newFixture(t)
	f.app.deps.Reports = dbReports{f.db}
	f.app.build()
	acc := addMember(t, f, "王会计", pos.RoleAccountant, "482913")
	f.ctrlL(t)
	loginAs(t, f.app, acc.ID, "482913")
	if f.app.reports == nil || f.app.tabs.Selected().Content != f.app.reports.content {
		t.Fatalf("the accountant landed on %q, want the reports", f.app.tabs.Selected().Text)
	}
	f.app.selectTab(0)
	f.scan("6901234567892")
	for _, k := range []fyne.KeyName{fyne.KeyF12, fyne.KeyF9, fyne.KeyF1} {
		f.key(k)
		if want := "您无收款权限：请收银员登录后收款（Ctrl+L）。"; f.app.checkout.msg.Text != want || f.app.pay != nil || f.app.paying != nil {
			t.Errorf("%s by the accountant: %q (cash dialog %v), want %q", k, f.app.checkout.msg.Text, f.app.pay != nil, want)
		}
	}
	if f.app.orders.reload(); len(f.app.orders.shown) != 0 {
		t.Errorf("%d sales booked by the accountant", len(f.app.orders.shown))
	}
}

// A trainee's login to the live till is refused: the till stays locked,
// saying trainees work in training mode only.
func TestTraineeRefusedOnLiveTill(t *testing.T) {
	f := newFixture(t)
	tr := addMember(t, f, "小实习", pos.RoleTrainee, "582914")
	f.ctrlL(t)
	f.app.Login().Select(tr.ID)
	f.app.Login().TypePIN("582914")
	if !f.app.Locked() || f.app.Who().ID == tr.ID {
		t.Fatalf("the trainee is on the live till: locked %v, who %+v", f.app.Locked(), f.app.Who())
	}
	if want := "小实习 是实习生：实习生只能在培训模式下操作，不能使用正式收银。"; f.app.refusal != want {
		t.Errorf("refusal %q, want %q", f.app.refusal, want)
	}
	loginAs(t, f.app, 1, ownerPIN) // the till still opens for the others
}

// A saved permission table counts at once for who is at the till: a
// manager the owner lets manage staff takes the audit log from managers,
// and the audit tab goes while the staff tab stays shown.
func TestSavedTableReshowsTabs(t *testing.T) {
	f := newFixture(t)
	m := addMember(t, f, "赵店长", pos.RoleManager, "582731")
	f.app.deps.Audit = auditlog.Deps{Events: f.db.AuditEvents,
		Verify: func(ctx context.Context) (pos.AuditVerification, error) { return f.db.VerifyAudit(ctx, 1) }}
	f.app.build()
	ed := staffui.NewPermissionEditor(f.app.loginDeps(), f.app.Who)
	ed.Reload()
	ed.Set(pos.ActStaff, pos.RoleManager, pos.Allow)
	ed.Save()
	f.ctrlL(t)
	loginAs(t, f.app, m.ID, "582731")
	if auditTab(f.app) < 0 || f.app.tabOf(f.app.staffs.box) == nil {
		t.Fatal("the manager lacks the audit or the staff tab")
	}
	f.app.tabs.Select(f.app.tabOf(f.app.staffs.box))
	ed = staffui.NewPermissionEditor(f.app.loginDeps(), f.app.Who)
	ed.Reload()
	ed.Set(pos.ActAuditView, pos.RoleManager, pos.Deny)
	ed.Save()
	if ed.Message() != staffui.T("Permission table saved") {
		t.Fatalf("the manager's edit: %q", ed.Message())
	}
	if auditTab(f.app) >= 0 {
		t.Error("the audit tab stays after the manager's own role lost it")
	}
	if f.app.tabs.Selected().Content != f.app.staffs.box {
		t.Errorf("the till left the staff tab for %q", f.app.tabs.Selected().Text)
	}
}

// An approver noted for an action that was then given up (its dialog
// cancelled) is not written on the next sale: a key at the checkout
// forgets it.
func TestGivenUpApprovalNamesNoSale(t *testing.T) {
	f := newFixture(t)
	f.app.setApprover("店长") // as an approved catalogue edit whose dialog was cancelled
	s := f.payCash(t, 10, 0, "100", testProducts[0].Barcode)
	evs, err := f.db.AuditEvents(context.Background(), pos.AuditFilter{Kind: pos.AuditSale})
	if err != nil || len(evs) != 1 || evs[0].Subject != s.ID || evs[0].Approver != "" {
		t.Errorf("the sale's audit event %+v, %v; want one with no approver", evs, err)
	}
}
