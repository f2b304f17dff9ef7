package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"zhanggui/pos"
	"zhanggui/storage/storagetest"
)

// changePrice presses Ctrl+P on the selected line and types price.
func (f *fixture) changePrice(t *testing.T, price string) {
	t.Helper()
	f.app.checkout.scan.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierControl})
	if f.app.ask == nil {
		t.Fatal("Ctrl+P opened no dialog")
	}
	f.app.ask.entry.SetText("")
	test.Type(f.app.ask.entry, price)
	f.app.ask.submit()
}

// lastAudit is the newest audit event of kind.
func (f *fixture) lastAudit(t *testing.T, kind pos.AuditKind) pos.AuditEvent {
	t.Helper()
	var last pos.AuditEvent
	for _, e := range f.audit(t) {
		if e.Kind == kind {
			last = e
		}
	}
	if last.Kind == "" {
		t.Fatalf("no %s event", kind)
	}
	return last
}

// A cashier's price change: bad prices are refused in the dialog and
// change nothing; a good one needs the manager's PIN; the sale and its
// receipt keep the old price, and the audit names both prices and people.
func TestCashierPriceOverrideNeedsApproval(t *testing.T) {
	f := newFixture(t)
	f.approvals(t, pos.RoleCashier)
	f.scan("6902345678903") // 7.50
	for _, bad := range []string{"abc", "0", "-3", "750.01"} {
		f.changePrice(t, bad)
		if f.app.ask == nil || !strings.Contains(f.app.ask.msg.Text, "100 倍") || f.app.gate.Sheet != nil {
			t.Fatalf("%q: dialog %v, sheet %v", bad, f.app.ask, f.app.gate.Sheet)
		}
		if got := f.app.checkout.cart.Totals().Total; got != 750 {
			t.Fatalf("%q changed the total to %v", bad, got)
		}
	}
	f.changePrice(t, "5")
	s := f.app.gate.Sheet
	if s == nil || f.app.checkout.cart.Totals().Total != 750 {
		t.Fatalf("no sheet (refusal %q) or the price changed before approval", f.app.refusal)
	}
	s.Reason.SetSelectedIndex(0)
	test.Tap(tile(t, s, "店长"))
	test.Type(s.PIN, storagetest.ManagerPIN)
	test.Tap(s.ApprovePIN)
	c := f.app.checkout
	if got := c.cart.Totals().Lines[0]; got.UnitPrice != 500 || got.OldPrice != 750 || f.app.gate.Sheet != nil {
		t.Fatalf("after approval: line %+v, sheet msg %q", got, s.Msg.Text)
	}
	ev := f.lastAudit(t, pos.AuditPriceOverride)
	if ev.Actor != "收银员" || ev.Approver != "店长" || ev.Subject != "cart:"+c.cart.ID ||
		!strings.Contains(ev.Data, `"old_fen":750`) || !strings.Contains(ev.Data, `"new_fen":500`) ||
		!strings.Contains(ev.Data, `"line":0`) || !strings.Contains(ev.Data, `"approval":`) {
		t.Errorf("price override event %+v", ev)
	}
	sale := f.payCash(t, 10, 0, "10")
	if sale.Lines[0].OldPrice != 750 || sale.Lines[0].UnitPrice != 500 || sale.Total != 500 {
		t.Fatalf("sale lines %+v total %v", sale.Lines, sale.Total)
	}
	if r := receiptText(sale, f.app.settings); !strings.Contains(r, "原价 7.50") {
		t.Errorf("the receipt does not show the old price:\n%s", r)
	}
}

// A manager changes a price at once: no sheet, and the event names no
// approver.
func TestManagerPriceOverrideAllowed(t *testing.T) {
	f := newFixture(t)
	f.approvals(t, pos.RoleManager)
	f.scan("6902345678903")
	f.scan("6902345678903") // two on one line
	f.changePrice(t, "¥6.00")
	if f.app.gate.Sheet != nil || f.app.ask != nil {
		t.Fatalf("a manager was asked for approval (sheet %v) or the dialog stayed", f.app.gate.Sheet)
	}
	if got := f.app.checkout.cart.Totals(); got.Total != 1200 || got.Lines[0].OldPrice != 750 {
		t.Fatalf("totals %+v", got)
	}
	ev := f.lastAudit(t, pos.AuditPriceOverride)
	if ev.Actor != "店长" || ev.Approver != "" || !strings.Contains(ev.Data, `"new_fen":600`) {
		t.Errorf("event %+v", ev)
	}
	saved, err := f.db.CurrentCart(context.Background()) // the override survives a restart
	if err != nil || saved == nil || saved.Lines[0].Override != 600 {
		t.Errorf("saved cart %+v, %v", saved, err)
	}
}
