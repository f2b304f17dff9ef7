package ui

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"zhanggui/app/ui/approve"
	"zhanggui/app/ui/auditlog"
	"zhanggui/app/ui/shift"
	staffui "zhanggui/app/ui/staff"
	"zhanggui/pos"
)

// App is the till's main window: the checkout, orders, products and
// settings screens in tabs.
type App struct {
	deps     Deps
	win      fyne.Window
	settings pos.Settings
	cashier  pos.Staff
	theme    *Theme
	printer  ReceiptSink
	gate     *approve.Gate // every gated action passes it
	refusal  string        // the last refusal told (tests read it)
	approval approved      // the approver the next store call carries (actx)

	tabs       *container.AppTabs
	checkout   *checkoutScreen
	orders     *ordersScreen
	products   *productsScreen
	setup      *settingsScreen
	hardware   *hardwareScreen
	channels   *channelsScreen
	reports    *reportsScreen
	accounting *accountingScreen
	syncing    *syncScreen
	auditlog   *auditlog.Screen
	shifts     *shift.Screen
	banner     *widget.Label
	bannerBase string

	pay     *cashDialog // the open cash dialog, if any
	paying  *payDialog  // the payment in progress, if any
	lastPay *payDialog  // the latest payment started (tests wait on it)
	phone   *phoneWindow
	camScan *cameraScan // the camera scanning for a payment code, if any
	ask     *askState   // the open input dialog, if any

	// Staff logins (lock.go): the login screen shows while tillLocked.
	tillLocked bool
	login      *staffui.Login
	first      *staffui.FirstRun
	staffAdmin *staffui.Admin
	staffs     *staffTab
	main       fyne.CanvasObject // the tabs under the banner
	lastActive time.Time

	display *customerDisplay // the customer display; nil when off
	card    *cardDialog      // the latest card charge (its done closes when it ends); touched on the Fyne goroutine
}

// New builds the screens into win. The caller shows the window.
func New(deps Deps, win fyne.Window) (*App, error) {
	st, err := deps.Settings.Settings(context.Background())
	if err != nil {
		return nil, fmt.Errorf("ui: load settings: %w", err)
	}
	a := &App{deps: deps, win: win, settings: st, theme: &Theme{Large: st.LargeFont}, printer: deps.Printer}
	if len(deps.Staff) > 0 && deps.Login.Service == nil {
		a.cashier = deps.Staff[0] // no logins: the first member is on duty
	}
	a.gate = a.newGate()
	SetLanguage(st.Language)
	fyne.CurrentApp().Settings().SetTheme(a.theme)
	a.build()
	if deps.Login.Service != nil {
		a.startLocked()
		go a.watchIdle()
	}
	go a.watchPrints()
	go a.watchLinks()
	go a.watchNotices()
	a.showPhone()
	a.showDisplay()
	return a, nil
}

// build makes every screen; a language change builds them again.
func (a *App) build() {
	a.orders = newOrdersScreen(a) // before checkout: resuming a paid sale lists it
	a.checkout = newCheckoutScreen(a)
	a.products = newProductsScreen(a)
	a.setup = newSettingsScreen(a)
	a.hardware = newHardwareScreen(a)
	if a.deps.Channels.Store != nil {
		a.channels = newChannelsScreen(a, a.deps.Channels)
	}
	a.shifts = newShiftScreen(a)
	a.reports = newReportsScreen(a)
	a.accounting = newAccountingScreen(a)
	a.syncing = newSyncScreen(a)
	if a.deps.Login.Service != nil {
		a.staffs = a.newStaffTab()
	}
	a.newAuditScreen()
	a.tabs = container.NewAppTabs(a.tabItems()...)
	a.tabs.OnSelected = func(t *container.TabItem) {
		switch t.Content {
		case a.checkout.content:
			a.win.Canvas().Focus(a.checkout.scan)
		case a.products.content:
			a.products.show()
		case a.hardware.content:
			a.hardware.refresh()
		default:
			if a.shifts != nil && t.Content == a.shifts.Content {
				a.shifts.Reload() // a shift opened or closed elsewhere (the soak, another window)
			}
			if a.reports != nil && t.Content == a.reports.content {
				a.reports.reload() // sales made since it was last shown
			}
			if a.auditlog != nil && t.Content == a.auditlog.Content {
				a.auditlog.Reload() // what happened since it was last shown
			}
			if a.accounting != nil && t.Content == a.accounting.content && a.accounting.bar.Hidden {
				a.accounting.load() // what the morning's bill jobs reconciled
			}
		}
		if a.staffs != nil && t.Content == a.staffs.box {
			a.showStaffTab()
		}
		if a.syncing != nil {
			a.syncing.visible(t.Content == a.syncing.content) // live only while shown
		}
	}
	a.banner = widget.NewLabel("")
	a.banner.Importance = widget.WarningImportance
	a.banner.Wrapping = fyne.TextWrapWord // the link states and 待同步 must not widen the window past the screen
	a.showTitle()
	a.main = container.NewBorder(a.lockBar(), nil, nil, nil, a.tabs)
	if !a.tillLocked {
		a.win.SetContent(a.main)
	}
	a.win.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if a.tillLocked {
			if a.first == nil {
				a.login.TypedKey(k.Name)
			}
			return
		}
		a.touch()
		if a.tabs.Selected().Content == a.checkout.content {
			a.checkout.onKey(k.Name)
		}
	})
	for key, i := range tabKeys {
		a.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: fyne.KeyModifierControl},
			func(fyne.Shortcut) { a.selectTab(i) })
	}
	a.checkout.scan.onTab = a.selectTab
	a.checkout.scan.onLock = a.LockNow
	a.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierControl},
		func(fyne.Shortcut) { a.LockNow() })
	checkoutKey := a.checkout.scan.onKey
	a.checkout.scan.onKey = func(k fyne.KeyName) bool { a.touch(); return checkoutKey(k) }
	a.win.Canvas().Focus(a.checkout.scan)
}

// selectTab shows screen i (Ctrl+1…9).
func (a *App) selectTab(i int) {
	a.tabs.SelectIndex(i)
	if i == 0 {
		a.win.Canvas().Focus(a.checkout.scan)
	} else {
		a.win.Canvas().Unfocus()
	}
}

func (a *App) showTitle() {
	title := T("Zhanggui") + " · " + a.settings.ShopName
	banner := a.settings.ShopName + " · " + Tf("On duty: %s", a.cashier.Name)
	if a.settings.Demo {
		title += " " + T("(demo data)")
		banner = Tf("On duty: %s", a.cashier.Name) + " · " + T("DEMO SHOP: demo data, receipts marked TRAINING")
	}
	a.win.SetTitle(title)
	a.bannerBase = banner
	a.showBanner(a.linkText())
}

// showBanner shows who is on duty and, when known, the channels' links.
func (a *App) showBanner(links string) {
	links = a.withSyncBadge(links) // 待同步 N
	if links == "" {
		a.banner.SetText(a.bannerBase)
		return
	}
	a.banner.SetText(a.bannerBase + " · " + links)
}

// loadCart resumes the sale in progress, or starts a new one.
func (a *App) loadCart() *pos.Cart {
	c, err := a.deps.Carts.CurrentCart(context.Background())
	if err != nil {
		a.deps.Log.Error("load cart", "err", err)
	}
	if c == nil {
		c = &pos.Cart{ID: a.deps.NewID()}
	}
	return c
}

// watchPrints shows printer failures; the receipt can be reprinted (F10).
func (a *App) watchPrints() {
	if a.deps.PrintErrors == nil {
		return
	}
	for r := range a.deps.PrintErrors {
		if r.Err == nil {
			continue
		}
		a.deps.Log.Warn("print failed", "job", r.Job, "err", r.Err)
		msg := printerMessage(r.Err)
		fyne.Do(func() { a.checkout.msg.SetText(msg + " " + T("(F10 reprints)")) })
	}
}

// applySettings takes new settings into use: language, font, printer.
func (a *App) applySettings(st pos.Settings) error {
	if a.deps.PrinterFor != nil {
		p, err := a.deps.PrinterFor(st)
		if err != nil {
			return err
		}
		a.printer = p
	}
	relayout := st.Language != a.settings.Language || st.LargeFont != a.settings.LargeFont
	a.settings = st
	a.checkout.scan.scanTab = st.ScanSuffix == "tab" // the gun's suffix submits the scan field
	a.theme.Large = st.LargeFont
	SetLanguage(st.Language)
	if relayout {
		fyne.CurrentApp().Settings().SetTheme(&Theme{Large: st.LargeFont})
		a.build()
		if it := a.tabOf(a.setup.content); it != nil {
			a.tabs.Select(it)
		}
	}
	a.showTitle()
	return nil
}

// paymentWait is how long a payment of mode may wait for the customer.
func (a *App) paymentWait(mode pos.PaymentMode) time.Duration {
	if mode == pos.ModeQR {
		return cmp.Or(a.deps.QRWait, 2*time.Minute)
	}
	return cmp.Or(a.deps.CodeWait, 30*time.Second)
}
