package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"zhanggui/pos"
)

// Locking the till closes what was open over the counter: an approval
// sheet under a confirmation, then a discount box (F4); nothing of them is
// left over the login screen, and the discount is not applied.
func TestLockClosesDialogs(t *testing.T) {
	f := newFixture(t)
	f.approvals(t, pos.RoleCashier)
	f.scan("6902345678903") // 7.50
	f.lineDiscount(t, "20%")
	if f.app.gate.Sheet == nil {
		t.Fatalf("no approval sheet for 20 %% (refusal %q)", f.app.refusal)
	}
	f.app.checkout.confirm("?", func() { t.Error("confirmed") })
	ov := f.app.win.Canvas().Overlays()
	if len(ov.List()) == 0 {
		t.Fatalf("%d overlays open before the lock, want the sheet and the confirmation", len(ov.List()))
	}
	f.app.LockNow()
	if n := len(ov.List()); n != 0 || f.app.gate.Sheet != nil || f.app.ask != nil {
		t.Fatalf("after the lock: %d overlays, sheet %v, ask %v", n, f.app.gate.Sheet, f.app.ask)
	}
	if got := f.app.checkout.cart.Totals().Total; got != 750 {
		t.Errorf("total %v after the lock, want 7.50 undiscounted", got)
	}
	f.app.loggedIn(f.app.Who())
	f.key(fyne.KeyF4) // the discount box
	if f.app.ask == nil || len(ov.List()) != 1 {
		t.Fatalf("F4 after the login: ask %v, %d overlays", f.app.ask, len(ov.List()))
	}
	f.app.LockNow()
	if n := len(ov.List()); n != 0 || f.app.ask != nil {
		t.Errorf("the discount box survives the lock: %d overlays, ask %v", n, f.app.ask)
	}
}
