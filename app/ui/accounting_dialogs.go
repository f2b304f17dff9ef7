package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
)

// onImport asks whose bill it is, then for the file.
func (s *accountingScreen) onImport() {
	if s.deps.ImportBill == nil {
		return
	}
	labels := make([]string, len(reconChannels))
	for i, c := range reconChannels {
		labels[i] = T(c.label)
	}
	pick := widget.NewRadioGroup(labels, nil)
	pick.SetSelected(labels[0])
	body := container.NewVBox(widget.NewLabel(T("Whose bill is the file?")), pick)
	dialog.ShowCustomConfirm(T("Import bill"), T("Choose the file…"), T("Cancel"), body, func(ok bool) {
		if !ok {
			return
		}
		for i, l := range labels {
			if l == pick.Selected {
				s.chooseBill(reconChannels[i].id)
			}
		}
	}, s.app.win)
}

// chooseBill opens the file dialog for a bill of channel.
func (s *accountingScreen) chooseBill(channel string) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close() // opened by the dialog; the import reads the path itself
		s.importFile(channel, path)
	}, s.app.win)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// importFile stores a bill file of channel; a file that does not say its
// day is taken as the first day of the range. Then the range is
// reconciled again.
func (s *accountingScreen) importFile(channel, path string) {
	from, _, err := s.days()
	if err != nil {
		s.showError(err)
		return
	}
	days, err := s.deps.ImportBill(context.Background(), channel, path, from)
	if err != nil {
		s.showError(err)
		return
	}
	var names []string
	for _, d := range days {
		names = append(names, d.Format("2006-01-02"))
	}
	s.onRun()
	s.status.SetText(Tf("Bill of %s imported; reconciling again…", strings.Join(names, ", ")))
}

// onExport writes the workbook of the range through a save dialog.
func (s *accountingScreen) onExport() {
	from, to, err := s.days()
	if err != nil {
		s.showError(err)
		return
	}
	if s.result.Days == 0 {
		s.msg.SetText(T("Reconcile the days first, then export."))
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		_ = w.Close() // the workbook writer writes the path itself
		s.export(path, from, to)
	}, s.app.win)
	d.SetFileName(s.workbookName(from, to))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// workbookName is 对账-2026-11-25.xlsx, or with both days for a range.
func (s *accountingScreen) workbookName(from, to time.Time) string {
	name := T("reconciliation") + "-" + from.Format("2006-01-02")
	if !to.Equal(from) {
		name += "_" + to.Format("2006-01-02")
	}
	return name + ".xlsx"
}

func (s *accountingScreen) export(path string, from, to time.Time) {
	if err := s.deps.Export(path, from, to, Language()); err != nil {
		s.showError(err)
		return
	}
	s.app.auditExport("reconciliation", path, map[string]any{"from": from.Format("2006-01-02"), "to": to.Format("2006-01-02")})
	s.msg.SetText("")
	s.status.SetText(Tf("Saved %s", path))
}

// onFeeRates edits each channel's contracted fee rate, in percent.
func (s *accountingScreen) onFeeRates() {
	if s.deps.FeeRates == nil || s.deps.SaveFeeRates == nil {
		return
	}
	rates, err := s.deps.FeeRates(context.Background())
	if err != nil {
		s.showError(err)
		return
	}
	entries := make([]*widget.Entry, len(reconChannels))
	items := make([]*widget.FormItem, len(reconChannels))
	for i, c := range reconChannels {
		entries[i] = widget.NewEntry()
		entries[i].SetText(pos.BasisPoints(rates[c.id]).String())
		items[i] = widget.NewFormItem(T(c.label)+" (%)", entries[i])
	}
	hint := widget.NewLabel(T("The rate in the contract with each provider, e.g. 0.60 or 0.38. Used for the fees the till expects; the bill's fee always stands."))
	hint.Wrapping = fyne.TextWrapWord
	items = append(items, widget.NewFormItem("", hint))
	d := dialog.NewForm(T("Fee rates"), T("Save"), T("Cancel"), items, func(ok bool) {
		if ok {
			s.saveFeeRates(entries)
		}
	}, s.app.win)
	d.Resize(fyne.NewSize(520, 320))
	d.Show()
}

// saveFeeRates reads the percentages typed and saves them.
func (s *accountingScreen) saveFeeRates(entries []*widget.Entry) {
	bp := map[string]int64{}
	for i, c := range reconChannels {
		v, err := pos.ParseRate(entries[i].Text)
		if err != nil {
			s.msg.SetText(Tf("%s: type the rate as a percentage with at most two decimals, e.g. 0.60.", T(c.label)))
			return
		}
		bp[c.id] = int64(v)
	}
	if err := s.deps.SaveFeeRates(s.app.actx(), bp); err != nil {
		s.showError(err)
		return
	}
	s.msg.SetText("")
	s.status.SetText(T("Fee rates saved. They apply from the next reconciliation."))
}
