package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	staffui "zhanggui/app/ui/staff"
	"zhanggui/hardware/printer"
	"zhanggui/pos"
)

// Who is the staff member on duty: whoever logged in last.
func (a *App) Who() pos.Staff { return a.cashier }

// Locked tells whether the till shows the login screen.
func (a *App) Locked() bool { return a.tillLocked }

// Login is the login (lock, switch) screen; nil without a staff service.
func (a *App) Login() *staffui.Login { return a.login }

// FirstRun is the first-run screen while it shows, else nil.
func (a *App) FirstRun() *staffui.FirstRun { return a.first }

// StaffAdmin is the staff admin screen; nil without a staff service.
func (a *App) StaffAdmin() *staffui.Admin { return a.staffAdmin }

// startLocked opens the till on the login screen, or on the first run when
// the owner has no PIN yet.
func (a *App) startLocked() {
	d := a.loginDeps()
	a.login = staffui.NewLogin(d, a.win, a.loggedIn)
	need, err := d.Service.NeedsOwnerPIN(context.Background())
	if err != nil {
		a.deps.Log.Error("staff", "err", err)
	}
	if need {
		a.first = staffui.NewFirstRun(d, func(owner pos.Staff) { a.first = nil; a.loggedIn(owner) })
		a.tillLocked = true
		a.win.SetContent(a.first.Content())
		return
	}
	a.showLogin(T("Zhanggui: log in"))
}

// loginDeps are the staff screens' deps, with the till's printer.
func (a *App) loginDeps() staffui.Deps {
	d := a.deps.Login
	if d.Service != nil {
		d.Service = savedHook{Service: d.Service, saved: a.permissionsSaved}
	}
	if d.Now == nil {
		d.Now = a.deps.Now
	}
	if d.Log == nil {
		d.Log = a.deps.Log
	}
	if d.Print == nil && a.printer != nil {
		d.Print = a.printSlip
	}
	return d
}

// printSlip prints a titled slip of lines on the receipt printer.
func (a *App) printSlip(title string, lines []string) error {
	return a.printDoc(printer.Doc{Shop: a.settings.ShopName, Title: title, Footer: lines, Cut: true})
}

func (a *App) showLogin(title string) {
	a.tillLocked = true
	a.closeOverlays()
	a.win.Canvas().Unfocus()
	a.login.Show(title, a.cashier.ID)
	// in a scroll, so a login screen taller than the window (the real
	// window's font metrics, large font) never grows the window past the screen
	a.win.SetContent(container.NewVScroll(a.login.Content()))
	a.win.Canvas().SetOnTypedRune(a.login.TypedRune) // the PIN's digits; only while locked

}

// LockNow locks the till (the 锁屏 button, Ctrl+L, the idle timer): the
// sale in progress stays as it is; whoever logs in next carries on, and a
// sale rung up by another keeps its cashier.
func (a *App) LockNow() {
	if a.login == nil || a.tillLocked {
		return
	}
	if a.charging() { // its dialog shows the outcome; locking would drop it
		a.checkout.msg.SetText(T("A payment is in progress: the till locks once it ends."))
		return
	}
	a.setApprover("")
	if err := a.deps.Login.Service.Lock(context.Background(), a.cashier); err != nil {
		a.deps.Log.Error("audit lock", "err", err)
	}
	a.showLogin(Tf("Locked by %s: log in to carry on", a.cashier.Name))
}

// loggedIn takes s on duty; someone other than who locked is a switch,
// audited, and the sale in progress keeps the cashier who rang it up.
func (a *App) loggedIn(s pos.Staff) {
	if a.refuseTrainee(s) {
		return
	}
	prev := a.cashier
	if prev.ID != 0 && prev.ID != s.ID {
		a.switchCart(prev)
		if err := a.deps.Login.Service.Switch(context.Background(), prev, s); err != nil {
			a.deps.Log.Error("audit switch", "err", err)
		}
	}
	a.cashier = s
	a.setApprover("")
	a.tillLocked = false
	a.win.Canvas().SetOnTypedRune(nil)
	a.touch()
	a.showTitle()
	a.retab()
	a.win.SetContent(a.main)
	a.win.Canvas().Focus(a.checkout.scan)
	a.landingTab()
}

// switchCart stamps the sale in progress with prev, who rang it up.
func (a *App) switchCart(prev pos.Staff) {
	c := a.checkout.cart
	if c == nil || len(c.Lines) == 0 || c.Cashier != "" {
		return
	}
	c.Cashier = prev.Name
	a.checkout.saveCart()
}

// saleCashier is who a sale of cart is booked to.
func (a *App) saleCashier(cart *pos.Cart) string {
	if cart != nil && cart.Cashier != "" && len(cart.Lines) > 0 {
		return cart.Cashier
	}
	return a.cashier.Name
}

// touch notes activity at the till, which puts off the idle lock.
func (a *App) touch() {
	a.lastActive = a.deps.Now()
	a.setApprover("") // an approved action given up approves nothing after
}

// CheckIdle locks the till when nobody has used it for the permission
// table's idle minutes (0: never).
func (a *App) CheckIdle() {
	if a.login == nil || a.tillLocked {
		return
	}
	p, err := a.deps.Login.Service.Permissions(context.Background())
	if err != nil || p.Limits.IdleLockMin <= 0 {
		return
	}
	if a.deps.Now().Sub(a.lastActive) >= time.Duration(p.Limits.IdleLockMin)*time.Minute {
		a.LockNow()
	}
}

// watchIdle checks for the idle lock every few seconds.
func (a *App) watchIdle() {
	for range time.Tick(15 * time.Second) {
		fyne.Do(a.CheckIdle)
	}
}

// lockBar is the banner with the 锁屏 key the cashier sees.
func (a *App) lockBar() fyne.CanvasObject {
	if a.deps.Login.Service == nil {
		return a.banner
	}
	return container.NewBorder(nil, nil, nil, widget.NewButton(T("Lock / switch cashier (Ctrl+L)"), a.LockNow), a.banner)
}

// staffTab is the staff admin tab: the screen for those allowed, a
// refusal for the others.
type staffTab struct {
	box *fyne.Container
}

func (a *App) newStaffTab() *staffTab {
	a.staffAdmin = staffui.NewAdmin(a.loginDeps(), a.win, a.Who)
	return &staffTab{box: container.NewStack()}
}

// show fills the tab for who is on duty.
func (a *App) showStaffTab() {
	t := a.staffs
	t.box.RemoveAll()
	if a.permissions().Decide(a.cashier.Role, pos.ActStaff) != pos.Allow {
		msg := widget.NewLabel(T("Only the owner (or whom the permission table allows) manages staff."))
		msg.Wrapping = fyne.TextWrapWord
		t.box.Add(msg)
	} else {
		a.staffAdmin.Reload()
		t.box.Add(a.staffAdmin.Content())
	}
	t.box.Refresh()
}

// StaffTabShowsAdmin tells whether the staff tab shows the admin screen.
func (a *App) StaffTabShowsAdmin() bool {
	return a.staffs != nil && a.tabOf(a.staffs.box) != nil && len(a.staffs.box.Objects) == 1 && a.staffs.box.Objects[0] == a.staffAdmin.Content()
}

// charging tells whether a payment's dialog waits for its outcome (a code
// or QR payment, a card charge): the till does not lock then, by key or
// by the idle timer, which tries again later.
func (a *App) charging() bool {
	if a.paying != nil {
		return true
	}
	if a.card == nil {
		return false
	}
	select {
	case <-a.card.done:
		return false
	default:
		return true
	}
}
