package ui

import (
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// settingsScreen edits the shop's settings.
type settingsScreen struct {
	app                                    *App
	shop, address, taxNo, header, footer   *widget.Entry
	printerTarget, storeCode, tillCode, tz *widget.Entry
	// offline card limits: one payment (yuan), all waiting (yuan), per card
	// per day, hours before upload
	offFloor, offTotal, offPerCard, offHours *widget.Entry
	printerKind, paper, language, rounding   *widget.RadioGroup
	largeFont                                *widget.Check
	msg                                      *noteLabel
	content                                  fyne.CanvasObject
}

// Choices shown on screen, and what each stores.
var (
	printerKinds = []choice{{"none", "No printer"}, {"file", "File"}, {"tcp", "Network (TCP 9100)"}, {"device", "USB device"}}
	paperWidths  = []choice{{"58", "58 mm"}, {"80", "80 mm"}}
	languages    = []choice{{"zh", "中文"}, {"en", "English"}}
	roundings    = []choice{{"none", "No rounding"}, {"jiao", "Drop fen (to 1 jiao)"}, {"yuan", "Drop jiao and fen (to 1 yuan)"}}
)

type choice struct{ value, label string }

func radio(cs []choice) *widget.RadioGroup {
	labels := make([]string, len(cs))
	for i, c := range cs {
		labels[i] = T(c.label)
	}
	r := widget.NewRadioGroup(labels, nil)
	r.Horizontal = true
	r.Required = true
	return r
}

func setRadio(r *widget.RadioGroup, cs []choice, value string) {
	for _, c := range cs {
		if c.value == value {
			r.SetSelected(T(c.label))
		}
	}
}

func radioValue(r *widget.RadioGroup, cs []choice) string {
	for _, c := range cs {
		if T(c.label) == r.Selected {
			return c.value
		}
	}
	return ""
}

func newSettingsScreen(a *App) *settingsScreen {
	s := &settingsScreen{app: a}
	for _, e := range []**widget.Entry{&s.shop, &s.address, &s.taxNo, &s.header, &s.footer,
		&s.printerTarget, &s.storeCode, &s.tillCode, &s.tz, &s.offFloor, &s.offTotal, &s.offPerCard, &s.offHours} {
		*e = widget.NewEntry()
	}
	s.printerKind, s.paper = radio(printerKinds), radio(paperWidths)
	s.language, s.rounding = radio(languages), radio(roundings)
	// Side by side, three long English choices in large-font mode make the
	// window wider than a 1280-pixel screen.
	s.rounding.Horizontal = false
	s.largeFont = widget.NewCheck(T("Large font for older cashiers"), nil)
	s.msg = newNoteLabel()
	s.show(a.settings)
	s.printerTarget.SetPlaceHolder("/dev/usb/lp0 · 192.168.1.50:9100 · /path/receipts.bin")
	form := widget.NewForm(
		widget.NewFormItem(T("Shop name"), s.shop), widget.NewFormItem(T("Address"), s.address),
		widget.NewFormItem(T("Tax number"), s.taxNo), widget.NewFormItem(T("Receipt header"), s.header),
		widget.NewFormItem(T("Receipt footer"), s.footer), widget.NewFormItem(T("Printer"), s.printerKind),
		widget.NewFormItem(T("Printer target"), s.printerTarget), widget.NewFormItem(T("Paper width"), s.paper),
		widget.NewFormItem(T("Language"), s.language), widget.NewFormItem(T("Cash rounding (抹零)"), s.rounding),
		widget.NewFormItem(T("Display"), s.largeFont), widget.NewFormItem(T("Store / till code"),
			container.NewGridWithColumns(2, s.storeCode, s.tillCode)),
		widget.NewFormItem(T("Time zone"), s.tz),
		widget.NewFormItem(T("Offline card payments"), container.NewGridWithColumns(4,
			labelled(T("Per payment up to ¥"), s.offFloor), labelled(T("All waiting up to ¥"), s.offTotal),
			labelled(T("Per card per day"), s.offPerCard), labelled(T("Upload within (hours)"), s.offHours))),
	)
	save := widget.NewButton(T("Save settings"), func() {
		s.app.gated(settingsIntent(), func(pos.Staff) error { return s.save() })
	})
	save.Importance = widget.HighImportance
	backup := widget.NewButton(T("Back up now…"), func() { s.app.gated(backupIntent(), func(pos.Staff) error { s.onBackup(); return nil }) })
	s.content = container.NewBorder(nil, container.NewVBox(s.msg, container.NewHBox(save, backup, s.restoreButton())), nil, nil,
		container.NewVScroll(form))
	s.msg.relayout = s.content.Refresh
	return s
}

func (s *settingsScreen) show(st pos.Settings) {
	s.shop.SetText(st.ShopName)
	s.address.SetText(st.Address)
	s.taxNo.SetText(st.TaxNo)
	s.header.SetText(st.ReceiptHeader)
	s.footer.SetText(st.ReceiptFooter)
	s.printerTarget.SetText(st.PrinterTarget)
	s.storeCode.SetText(st.StoreCode)
	s.tillCode.SetText(st.TillCode)
	s.tz.SetText(st.TimeZone)
	setRadio(s.printerKind, printerKinds, st.PrinterKind)
	setRadio(s.paper, paperWidths, map[int]string{58: "58", 80: "80"}[st.PaperWidth])
	setRadio(s.language, languages, st.Language)
	setRadio(s.rounding, roundings, string(st.CashRounding))
	s.largeFont.SetChecked(st.LargeFont)
	l := st.OfflineCards
	s.offFloor.SetText(l.FloorFen.String())
	s.offTotal.SetText(l.TotalExposureFen.String())
	s.offPerCard.SetText(strconv.Itoa(l.PerCardPerDay))
	s.offHours.SetText(strconv.Itoa(int(l.MaxAge.Hours())))
}

// labelled puts a small caption above an entry.
func labelled(caption string, e *widget.Entry) fyne.CanvasObject {
	l := widget.NewLabel(caption)
	l.Wrapping = fyne.TextWrapWord // four captions side by side must not widen the window
	return container.NewVBox(l, e)
}

// read returns the settings as entered on the screen.
func (s *settingsScreen) read() pos.Settings {
	st := s.app.settings // keeps what the screen does not show (Demo)
	st.ShopName, st.Address, st.TaxNo = s.shop.Text, s.address.Text, s.taxNo.Text
	st.ReceiptHeader, st.ReceiptFooter = s.header.Text, s.footer.Text
	st.PrinterKind, st.PrinterTarget = radioValue(s.printerKind, printerKinds), s.printerTarget.Text
	st.PaperWidth = 58
	if radioValue(s.paper, paperWidths) == "80" {
		st.PaperWidth = 80
	}
	st.Language = radioValue(s.language, languages)
	st.CashRounding = pos.RoundingRule(radioValue(s.rounding, roundings))
	st.LargeFont = s.largeFont.Checked
	st.StoreCode, st.TillCode, st.TimeZone = s.storeCode.Text, s.tillCode.Text, s.tz.Text
	return st
}

// readOfflineLimits reads the offline card limits as entered.
func (s *settingsScreen) readOfflineLimits() (pos.OfflineLimits, error) {
	var l pos.OfflineLimits
	var err error
	if l.FloorFen, err = money.Parse(s.offFloor.Text); err != nil {
		return l, pos.Errorf(pos.CodeInvalid, "ui: offline limit per payment: %v: %w", err, pos.ErrOfflineLimits)
	}
	if l.TotalExposureFen, err = money.Parse(s.offTotal.Text); err != nil {
		return l, pos.Errorf(pos.CodeInvalid, "ui: offline limit in all: %v: %w", err, pos.ErrOfflineLimits)
	}
	if l.PerCardPerDay, err = strconv.Atoi(strings.TrimSpace(s.offPerCard.Text)); err != nil {
		return l, pos.Errorf(pos.CodeInvalid, "ui: offline payments per card per day %q: %w", s.offPerCard.Text, pos.ErrOfflineLimits)
	}
	hours, err := strconv.Atoi(strings.TrimSpace(s.offHours.Text))
	if err != nil {
		return l, pos.Errorf(pos.CodeInvalid, "ui: offline upload hours %q: %w", s.offHours.Text, pos.ErrOfflineLimits)
	}
	l.MaxAge = time.Duration(hours) * time.Hour
	return l, nil
}

func (s *settingsScreen) save() error {
	st := s.read()
	var err error
	st.OfflineCards, err = s.readOfflineLimits()
	if err == nil {
		err = st.Validate()
	}
	if err == nil {
		err = s.app.deps.Settings.SaveSettings(s.app.actx(), st)
	}
	if err == nil {
		err = s.app.applySettings(st)
	}
	if err != nil {
		s.app.deps.Log.Warn("save settings", "err", err)
		s.app.setup.msg.Importance = widget.DangerImportance
		s.app.setup.msg.SetText(cashierMessage(err) + " " + err.Error())
		return err
	}
	s.app.setup.msg.Importance = widget.SuccessImportance
	s.app.setup.msg.SetText(T("Settings saved."))
	return nil
}

func (s *settingsScreen) onBackup() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		dest := filepath.Join(u.Path(), "zhanggui-"+time.Now().Format("20060102-150405")+".db")
		if err := s.app.deps.Backup(s.app.actx(), dest); err != nil {
			s.app.deps.Log.Warn("backup", "err", err)
			s.msg.Importance = widget.DangerImportance
			s.msg.SetText(cashierMessage(err))
			return
		}
		s.msg.Importance = widget.SuccessImportance
		s.msg.SetText(Tf("Backup written to %s", dest))
	}, s.app.win)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}
