package ui

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	staffui "zhanggui/app/ui/staff"
	"zhanggui/pos"
	"zhanggui/storage"
)

const cashierPIN = "907153"

// addCashier adds 李收银 on the staff admin screen as the owner would.
func addCashier(t *testing.T, f *fixture) pos.Staff {
	t.Helper()
	f.app.selectTab(len(f.app.tabs.Items) - 1) // the staff tab, last
	if !f.app.StaffTabShowsAdmin() {
		t.Fatal("the owner does not see the staff admin screen")
	}
	adm := f.app.StaffAdmin()
	adm.Edit(pos.Staff{Role: pos.RoleCashier, Active: true})
	adm.Fill("李收银", pos.RoleCashier, cashierPIN)
	adm.Save()
	for _, s := range adm.Staff() {
		if s.Name == "李收银" {
			if s.Role != pos.RoleCashier || !s.Active {
				t.Fatalf("saved %+v", s)
			}
			return s
		}
	}
	t.Fatalf("cashier not added: %q", adm.Message())
	return pos.Staff{}
}

// The owner adds a cashier, who logs in after a wrong PIN is refused
// with a message; the cashier cannot open the staff admin screen.
func TestLoginAsCashier(t *testing.T) {
	f := newFixture(t)
	if f.app.Who().Role != pos.RoleOwner {
		t.Fatalf("fixture on duty: %+v", f.app.Who())
	}
	c := addCashier(t, f)
	f.app.selectTab(0)
	f.app.LockNow()
	if !f.app.Locked() {
		t.Fatal("not locked")
	}
	f.app.Login().Select(c.ID)
	f.app.Login().TypePIN("135790")
	if !f.app.Locked() || f.app.Login().Message() != T("Wrong PIN") {
		t.Fatalf("wrong PIN: locked %v, message %q", f.app.Locked(), f.app.Login().Message())
	}
	loginAs(t, f.app, c.ID, cashierPIN)
	if !strings.Contains(f.app.banner.Text, "李收银") {
		t.Errorf("banner %q does not name the cashier", f.app.banner.Text)
	}
	f.app.selectTab(len(f.app.tabs.Items) - 1)
	if f.app.StaffTabShowsAdmin() {
		t.Error("a cashier sees the staff admin screen")
	}
	err := f.app.deps.Login.Service.SavePermissions(context.Background(), f.app.Who(), pos.DefaultPermissions())
	if !errors.Is(err, pos.ErrNotPermitted) {
		t.Errorf("a cashier saves the permission table: %v", err)
	}
}

// Locked mid-sale, the till lets another log in; the sale keeps the
// cashier who rang it up, the next sale is the new one's.
func TestLockAndSwitchKeepsTheSalesCashier(t *testing.T) {
	f := newFixture(t)
	c := addCashier(t, f)
	f.app.selectTab(0)
	f.scan("6901234567892")
	f.app.checkout.scan.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierControl}) // the 锁屏 key
	if !f.app.Locked() {
		t.Fatal("Ctrl+L did not lock")
	}
	loginAs(t, f.app, c.ID, cashierPIN)
	if len(f.app.checkout.cart.Lines) != 1 {
		t.Fatalf("the sale in progress was lost: %+v", f.app.checkout.cart)
	}
	first := f.payCash(t, 10, 0, "10")
	if first.Cashier != "店主" {
		t.Errorf("the switched sale's cashier = %q, want 店主", first.Cashier)
	}
	second := f.payCash(t, 10, 5, "10", "6901234567892")
	if second.Cashier != "李收银" {
		t.Errorf("the next sale's cashier = %q, want 李收银", second.Cashier)
	}
	kinds := map[pos.AuditKind]int{}
	f.db.ScanAudit(context.Background(), 1, func(ev pos.AuditEvent) error { kinds[ev.Kind]++; return nil })
	if kinds[pos.AuditLock] != 1 || kinds[pos.AuditSwitch] != 1 || kinds[pos.AuditLogin] < 2 {
		t.Errorf("audit %v", kinds)
	}
}

// The till locks itself after the idle minutes of the permission table.
func TestIdleLock(t *testing.T) {
	f := newFixture(t)
	f.scan("6901234567892")
	f.now = f.now.Add(4 * time.Minute)
	f.app.CheckIdle()
	if f.app.Locked() {
		t.Fatal("locked before the idle minutes (5)")
	}
	f.now = f.now.Add(time.Minute)
	f.app.CheckIdle()
	if !f.app.Locked() {
		t.Fatal("not locked after 5 idle minutes")
	}
	f.app.Login().TypePIN(ownerPIN) // the owner's tile stays selected
	if f.app.Locked() || len(f.app.checkout.cart.Lines) != 1 {
		t.Errorf("after unlock: locked %v, cart %+v", f.app.Locked(), f.app.checkout.cart)
	}
}

// A new data directory starts with the owner setting a PIN; the recovery
// code is shown and printed once.
func TestFirstRunOwnerSetsPIN(t *testing.T) {
	test.NewTempApp(t)
	f := &fixture{print: &capture{}, now: time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)}
	f.db = newShopDB(t)
	auth, err := storage.NewStaffAuthParams(f.db, []byte("fixture pepper, 32 bytes long!!!"),
		storage.PINParams{MemoryKiB: 64, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	a := f.openWith(t, staffui.Deps{Service: auth})
	fr := a.FirstRun()
	if fr == nil || !a.Locked() {
		t.Fatal("no first-run screen")
	}
	fr.Enter("123456", "123456")
	fr.SetPIN()
	if fr.Message() != T("This PIN is too easy to guess; choose another") {
		t.Errorf("weak PIN: %q", fr.Message())
	}
	fr.Enter("284716", "284719")
	fr.SetPIN()
	if fr.Message() != T("The two PINs differ") {
		t.Errorf("different PINs: %q", fr.Message())
	}
	fr.Enter(ownerPIN, ownerPIN)
	fr.SetPIN()
	code := fr.Code()
	if len(code) != 29 {
		t.Fatalf("recovery code %q: %s", code, fr.Message())
	}
	findButton(t, a.win.Canvas().Content(), T("Print the recovery code")).OnTapped()
	if len(f.print.jobs) != 1 || !bytes.Contains(f.print.jobs[0], []byte(code)) {
		t.Errorf("the recovery code was not printed")
	}
	fr.Done()
	if a.Locked() || a.Who().Role != pos.RoleOwner {
		t.Fatalf("after the first run: locked %v, on duty %+v", a.Locked(), a.Who())
	}
	if _, err := auth.ResetOwnerPIN(context.Background(), code, "135790"); err != nil {
		t.Errorf("the shown code does not reset the owner PIN: %v", err)
	}
}

// No PIN reaches the till's log, typed right or wrong, set or changed.
func TestPINNeverLogged(t *testing.T) {
	f := newFixture(t)
	var logBuf bytes.Buffer
	f.log = &logBuf
	f.app = f.open(t)
	c := addCashier(t, f)
	f.app.LockNow()
	f.app.Login().Select(c.ID)
	f.app.Login().TypePIN("135790")
	loginAs(t, f.app, c.ID, cashierPIN)
	if logBuf.Len() == 0 {
		t.Fatal("nothing logged: the test would prove nothing")
	}
	for _, pin := range []string{ownerPIN, cashierPIN, "135790"} {
		if strings.Contains(logBuf.String(), pin) {
			t.Errorf("the log holds the PIN %s", pin)
		}
	}
}

// findButton finds the button labelled label under o.
func findButton(t *testing.T, o fyne.CanvasObject, label string) *widget.Button {
	t.Helper()
	var walk func(fyne.CanvasObject) *widget.Button
	walk = func(o fyne.CanvasObject) *widget.Button {
		switch w := o.(type) {
		case *widget.Button:
			if w.Text == label {
				return w
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				if b := walk(c); b != nil {
					return b
				}
			}
		}
		return nil
	}
	if b := walk(o); b != nil {
		return b
	}
	t.Fatalf("no button %q", label)
	return nil
}
