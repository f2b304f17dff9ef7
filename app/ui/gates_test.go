package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"zhanggui/app/ui/approve"
	"zhanggui/pos"
)

var (
	gOwner   = pos.Staff{ID: 1, Name: "店主", Role: pos.RoleOwner, Active: true}
	gCashier = pos.Staff{ID: 2, Name: "收银员", Role: pos.RoleCashier, Active: true}
	gManager = pos.Staff{ID: 3, Name: "店长", Role: pos.RoleManager, Active: true, TOTP: true}
	gSecret  = []byte("12345678901234567890")
)

// gateStaff is a true fake of the staff service: it checks PINs and holds
// the manager's authenticator secret.
type gateStaff struct{}

func (gateStaff) Staff(context.Context) ([]pos.Staff, error) {
	return []pos.Staff{gOwner, gCashier, gManager}, nil
}
func (gateStaff) CheckPIN(_ context.Context, id int64, pin string) (pos.Staff, error) {
	if id == gManager.ID && pin == "271828" {
		return gManager, nil
	}
	return pos.Staff{}, pos.Errorf(pos.CodeInvalid, "wrong PIN")
}
func (gateStaff) TOTPSecret(_ context.Context, id int64) ([]byte, error) {
	if id == gManager.ID {
		return gSecret, nil
	}
	return nil, fmt.Errorf("no authenticator for staff %d", id)
}
func (gateStaff) Permissions(context.Context) (pos.Permissions, error) {
	return pos.DefaultPermissions(), nil
}

// asStaff makes who the one at the till, with approvals wired to the
// fixture's database.
func (f *fixture) asStaff(who pos.Staff) {
	f.app.cashier = who
	f.app.deps.Approve = approve.Deps{Staff: gateStaff{}, Store: f.db, TillKey: []byte("till key"), Now: f.db.Now}
	f.app.gate = f.app.newGate()
}

func (f *fixture) audit(t *testing.T) []pos.AuditEvent {
	t.Helper()
	var out []pos.AuditEvent
	if err := f.db.ScanAudit(context.Background(), 1, func(e pos.AuditEvent) error {
		out = append(out, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// lineDiscount gives the selected line a discount at F4.
func (f *fixture) lineDiscount(t *testing.T, d string) {
	t.Helper()
	f.key(fyne.KeyF4)
	if f.app.ask == nil {
		t.Fatal("F4 opened no dialog")
	}
	f.app.ask.entry.SetText("")
	test.Type(f.app.ask.entry, d)
	f.app.ask.submit()
}

// A cashier's 20 % discount needs approval: a wrong PIN leaves the price;
// the manager's PIN applies it, and the audit names the approver.
func TestCashierDiscountNeedsManagerPIN(t *testing.T) {
	f := newFixture(t)
	f.asStaff(gCashier)
	f.scan("6902345678903") // 7.50
	f.lineDiscount(t, "3%") // within the free 5 %
	if got := f.app.checkout.cart.Totals().Total; got != 727 || f.app.gate.Sheet != nil {
		t.Fatalf("3 %% off 7.50: total %v, sheet %v; want 7.27 at once", got, f.app.gate.Sheet)
	}
	f.lineDiscount(t, "20%")
	s := f.app.gate.Sheet
	if s == nil {
		t.Fatalf("no approval sheet for 20 %% (refusal %q)", f.app.refusal)
	}
	if got := f.app.checkout.cart.Totals().Total; got != 727 {
		t.Errorf("total before approval %v, want 7.27", got)
	}
	s.Reason.SetSelectedIndex(3)
	test.Tap(s.Tiles[1]) // 店长 (店主 first)
	test.Type(s.PIN, "123123")
	test.Tap(s.ApprovePIN)
	if s.Msg.Text == "" || f.app.checkout.cart.Totals().Total != 727 {
		t.Fatalf("wrong PIN: msg %q, total %v", s.Msg.Text, f.app.checkout.cart.Totals().Total)
	}
	test.Type(s.PIN, "271828")
	test.Tap(s.ApprovePIN)
	if got := f.app.checkout.cart.Totals().Total; got != 600 || f.app.gate.Sheet != nil {
		t.Fatalf("after the manager's PIN: total %v, want 6.00; msg %q", got, s.Msg.Text)
	}
	evs := f.audit(t)
	last := evs[len(evs)-1]
	if last.Kind != pos.AuditDiscount || last.Actor != "收银员" || last.Approver != "店长" ||
		!strings.Contains(last.Data, `"approval":`) {
		t.Errorf("discount event = %+v", last)
	}
}

// With the manager away, a cashier opens the drawer with the challenge
// answered by the manager's authenticator; the same code is refused for
// the next drawer open.
func TestCashierDrawerByChallenge(t *testing.T) {
	f := newFixture(t)
	f.asStaff(gCashier)
	h := f.app.hardware
	h.refresh()
	if h.drawer.Disabled() {
		t.Fatal("the drawer button is disabled for a cashier, who may ask for approval")
	}
	test.Tap(h.drawer)
	s := f.app.gate.Sheet
	if s == nil || len(f.print.jobs) != 0 {
		t.Fatalf("sheet %v, %d print jobs before approval", s, len(f.print.jobs))
	}
	test.Tap(s.Away)
	s.Reason.SetSelectedIndex(4)
	code := pos.TOTP(gSecret, f.db.Now())
	test.Type(s.Code, code)
	test.Tap(s.ApproveCode)
	if len(f.print.jobs) != 1 || h.printer.Text != "钱箱已打开（已记录）。" {
		t.Fatalf("after the code: %d jobs, %q, sheet msg %q", len(f.print.jobs), h.printer.Text, s.Msg.Text)
	}
	test.Tap(h.drawer)
	s = f.app.gate.Sheet
	test.Tap(s.Away)
	s.Reason.SetSelectedIndex(4)
	test.Type(s.Code, code)
	test.Tap(s.ApproveCode)
	if !strings.Contains(s.Msg.Text, "已用过") || len(f.print.jobs) != 1 {
		t.Errorf("the reused code: msg %q, %d jobs", s.Msg.Text, len(f.print.jobs))
	}
	evs := f.audit(t)
	if n := len(evs); n != 2 || evs[1].Kind != pos.AuditDrawerOpen || evs[1].Approver != "店长" {
		t.Errorf("audit %+v, want the approval and one drawer open approved by 店长", evs)
	}
}

// A manager discounts and opens the drawer directly, audited without an
// approver.
func TestManagerAllowedDirectly(t *testing.T) {
	f := newFixture(t)
	f.asStaff(gManager)
	f.scan("6902345678903")
	f.lineDiscount(t, "20%")
	if got := f.app.checkout.cart.Totals().Total; got != 600 || f.app.gate.Sheet != nil {
		t.Fatalf("manager's 20 %%: total %v, sheet %v", got, f.app.gate.Sheet)
	}
	f.app.hardware.refresh()
	test.Tap(f.app.hardware.drawer)
	if len(f.print.jobs) != 1 || f.app.gate.Sheet != nil {
		t.Errorf("manager's drawer: %d jobs, sheet %v", len(f.print.jobs), f.app.gate.Sheet)
	}
	for _, e := range f.audit(t) {
		if e.Actor != "店长" || e.Approver != "" {
			t.Errorf("event %s: actor %q approver %q", e.Kind, e.Actor, e.Approver)
		}
	}
}

// A cashier may not change the settings: told so in Chinese, nothing saved.
func TestCashierSettingsDenied(t *testing.T) {
	f := newFixture(t)
	f.asStaff(gCashier)
	f.app.gated(settingsIntent(), func(pos.Staff) error {
		t.Error("a cashier saved the settings")
		return nil
	})
	if want := "修改设置：收银员（收银员）无此权限，请找店主。"; f.app.refusal != want {
		t.Errorf("refusal %q, want %q", f.app.refusal, want)
	}
}
