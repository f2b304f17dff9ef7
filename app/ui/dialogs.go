package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// askText asks for one value; onOK's error is shown in the dialog, which
// stays open until the value is accepted or the cashier cancels.
func (s *checkoutScreen) askText(title, initial string, onOK func(string) error) {
	s.app.askText(title, initial, onOK)
}

func (s *checkoutScreen) confirm(msg string, yes func()) {
	dialog.ShowConfirm(T("Please confirm"), msg, func(ok bool) {
		if ok {
			yes()
		}
	}, s.app.win)
}

func (a *App) askText(title, initial string, onOK func(string) error) {
	e := newKeyEntry()
	e.SetText(initial)
	msg := widget.NewLabel("")
	msg.Importance = widget.DangerImportance
	var dlg dialog.Dialog
	submit := func() {
		below := len(a.win.Canvas().Overlays().List()) // this dialog is the top one
		if err := onOK(e.Text); err != nil {
			a.deps.Log.Info("input refused", "title", title, "err", err)
			msg.SetText(cashierMessage(err))
			return
		}
		hideKeeping(a.win.Canvas(), dlg, below)
		a.ask = nil
	}
	e.OnSubmitted = func(string) { submit() }
	e.watchScanner(a.wedgeOptions(), func(code string) {
		dlg.Hide()
		a.ask = nil
		a.scanned(code)
	})
	e.onKey = func(k fyne.KeyName) bool {
		if k == fyne.KeyEscape {
			dlg.Hide()
			return true
		}
		return false
	}
	ok := widget.NewButton(T("OK (Enter)"), submit)
	ok.Importance = widget.HighImportance
	cancel := widget.NewButton(T("Cancel (Esc)"), func() { dlg.Hide() })
	body := container.NewBorder(nil, container.NewGridWithColumns(2, cancel, ok), nil, nil,
		container.NewVBox(e, msg))
	dlg = dialog.NewCustomWithoutButtons(title, body, a.win)
	a.ask = &askState{entry: e, msg: msg, submit: submit}
	dlg.Resize(fyne.NewSize(420, 200))
	dlg.Show()
	a.win.Canvas().Focus(e)
}

// askState lets tests answer the open askText dialog.
type askState struct {
	entry  *keyEntry
	msg    *widget.Label
	submit func()
}

// scanned takes a code the barcode gun sent while another field had the
// focus: it goes to the counter, as if scanned there.
func (a *App) scanned(code string) {
	a.deps.Log.Info("scan redirected to the counter", "len", len(code))
	a.tabs.SelectIndex(0)
	a.win.Canvas().Focus(a.checkout.scan)
	a.checkout.onEnter(code)
}

// hideKeeping hides dlg, whose overlay was the top one of c when there
// were below overlays, and keeps what was opened above it since (the
// approval sheet of a gated action its OK asked for): Fyne removes every
// overlay above one it removes, which left the sheet unseen and the action
// silently not done.
func hideKeeping(c fyne.Canvas, dlg dialog.Dialog, below int) {
	all := c.Overlays().List()
	var above []fyne.CanvasObject
	if below < len(all) {
		above = slices.Clone(all[below:])
	}
	dlg.Hide()
	for _, o := range above {
		c.Overlays().Add(o)
	}
}
