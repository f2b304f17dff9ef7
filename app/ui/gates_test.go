package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"zhanggui/app/ui/approve"
	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
)

// approvals sets up the shop's staff (the owner, the cashier, a manager
// with an authenticator), wires the approvals to the fixture's database
// and puts the staff member of role at the till.
func (f *fixture) approvals(t *testing.T, role pos.Role) storagetest.Team {
	t.Helper()
	tm := storagetest.TeamOf(t, f.app.deps.Login.Service.(*storage.StaffAuth))
	f.app.cashier = map[pos.Role]pos.Staff{pos.RoleCashier: tm.Cashier, pos.RoleManager: tm.Manager}[role]
	f.app.deps.Approve = approve.Deps{Staff: tm.Auth, Store: f.db, TillKey: []byte("till key"), Now: f.db.Now}
	f.app.gate = f.app.newGate()
	return tm
}

// tile is the sheet's approver tile of name.
func tile(t *testing.T, s *approve.Sheet, name string) *widget.Button {
	t.Helper()
	for _, b := range s.Tiles {
		if b.Text == name || strings.HasPrefix(b.Text, name+" ") {
			return b
		}
	}
	t.Fatalf("no approver tile for %s", name)
	return nil
}

// audit is the audit log but the staff's own events (PINs set, failed).
func (f *fixture) audit(t *testing.T) []pos.AuditEvent {
	t.Helper()
	var out []pos.AuditEvent
	if err := f.db.ScanAudit(context.Background(), 1, func(e pos.AuditEvent) error {
		// logins are not the gates' business, nor the fixture's own set-up
		// (its catalogue and settings, written by nobody logged in)
		if !strings.HasPrefix(string(e.Kind), "staff.") && e.Actor != "system" {
			out = append(out, e)
		}
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
	f.approvals(t, pos.RoleCashier)
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
	// The sheet is on the window, not taken down with the discount's dialog.
	if n := len(f.app.win.Canvas().Overlays().List()); n != 1 {
		t.Fatalf("%d overlays after the discount's OK; want the approval sheet alone", n)
	}
	if got := f.app.checkout.cart.Totals().Total; got != 727 {
		t.Errorf("total before approval %v, want 7.27", got)
	}
	s.Reason.SetSelectedIndex(3)
	if got := tile(t, s, "店长").Text; got != "店长" { // not 店长 · 店长
		t.Errorf("approver tile %q", got)
	}
	test.Tap(tile(t, s, "店长"))
	test.Type(s.PIN, "123123")
	test.Tap(s.ApprovePIN)
	if s.Msg.Text == "" || f.app.checkout.cart.Totals().Total != 727 {
		t.Fatalf("wrong PIN: msg %q, total %v", s.Msg.Text, f.app.checkout.cart.Totals().Total)
	}
	test.Type(s.PIN, storagetest.ManagerPIN)
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
	tm := f.approvals(t, pos.RoleCashier)
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
	code := pos.TOTP(tm.ManagerTOTP, f.db.Now())
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
	f.approvals(t, pos.RoleManager)
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
	f.approvals(t, pos.RoleCashier)
	f.app.gated(settingsIntent(), func(pos.Staff) error {
		t.Error("a cashier saved the settings")
		return nil
	})
	if want := "修改设置：收银员（收银员）无此权限，请找店主。"; f.app.refusal != want {
		t.Errorf("refusal %q, want %q", f.app.refusal, want)
	}
}

// A cashier's refund of today's sale needs the manager's approval; the
// same refund two days later is a refund of an old sale, which a cashier
// may not do at all.
func TestCashierRefundGated(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	svc := f.app.deps.Payments.(*payments.Service)
	svc.RefundStore = f.db
	f.app.deps.Refunds = f.db
	f.approvals(t, pos.RoleCashier)
	f.scan("6901234567892")
	f.scan("6903456789014")
	f.scan(sim.NewPaymentCode(providersim.Alipay, "buyer7"))
	waitPayment(t, f)
	o := f.app.orders
	o.reload()
	scanReceipt(o, o.shown[0].No) // the customer brought the receipt
	o.onRefund()
	d := o.refund
	d.amount.SetText("5.00")
	d.ok.OnTapped()
	s := f.app.gate.Sheet
	if s == nil || charged(sim) != 750 {
		t.Fatalf("no sheet (refusal %q), or refunded before approval (charged %v)", f.app.refusal, charged(sim))
	}
	s.Reason.SetSelectedIndex(0)
	test.Tap(tile(t, s, "店长"))
	test.Type(s.PIN, storagetest.ManagerPIN)
	test.Tap(s.ApprovePIN)
	<-d.done
	if !strings.Contains(d.msg.Text, "已退款 ¥5.00") || charged(sim) != 250 {
		t.Fatalf("after approval: %q, charged %v", d.msg.Text, charged(sim))
	}
	refunds := 0
	for _, e := range f.audit(t) {
		if e.Kind == pos.AuditRefund {
			refunds++
			if e.Actor != "收银员" || e.Approver != "店长" {
				t.Errorf("refund event: actor %q approver %q, want 收银员 approved by 店长", e.Actor, e.Approver)
			}
		}
	}
	if refunds == 0 {
		t.Error("no refund audit event")
	}

	f.now = f.now.AddDate(0, 0, 2)
	o.onRefund()
	d = o.refund
	d.amount.SetText("1.00")
	d.ok.OnTapped()
	if f.app.gate.Sheet != nil || !strings.Contains(f.app.refusal, "无此权限") || charged(sim) != 250 {
		t.Errorf("an old sale's refund by a cashier: sheet %v, refusal %q, charged %v", f.app.gate.Sheet, f.app.refusal, charged(sim))
	}
}

// scanReceipt scans an order's receipt (its QR code is the order number)
// into the orders screen's search, which opens the order.
func scanReceipt(o *ordersScreen, no string) {
	o.search.SetText(no)
	o.onSearchSubmit(no)
}
