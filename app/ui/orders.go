package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"zhanggui/app/ui/kit"
	"zhanggui/pos"
)

// ordersScreen lists a day's orders; one opens to its lines, tenders,
// journal entry and receipt, and can be reprinted.
type ordersScreen struct {
	app    *App
	day    time.Time // shop-local midnight
	all    []*pos.Sale
	shown  []*pos.Sale
	picked *pos.Sale
	refund *refundDialog // the open refund dialog, if any

	date    *widget.Entry
	search  *widget.Entry
	list    *widget.List
	summary *widget.Label
	detail  *kit.Paper // the receipt as printed, and the journal entry
	msg     *noteLabel
	content fyne.CanvasObject
}

func newOrdersScreen(a *App) *ordersScreen {
	s := &ordersScreen{app: a, day: pos.BusinessDay(a.deps.Now(), a.settings.Location())}
	s.date = widget.NewEntry()
	s.date.OnSubmitted = s.onDate
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(T("Order number or amount"))
	s.search.OnChanged = func(string) { s.filter() }
	s.search.OnSubmitted = s.onSearchSubmit
	s.list = widget.NewList(func() int { return len(s.shown) },
		func() fyne.CanvasObject {
			r, _ := row(columns{0.42, 0.18, 0.2, 0.2}, []fyne.TextAlign{fyne.TextAlignLeading,
				fyne.TextAlignLeading, fyne.TextAlignTrailing, fyne.TextAlignLeading})
			return r
		}, s.updateRow)
	s.list.OnSelected = func(i widget.ListItemID) { s.open(s.shown[i]) }
	s.summary, s.msg = widget.NewLabel(""), newNoteLabel()
	s.msg.Importance = widget.DangerImportance
	s.detail = kit.NewPaper(T("Select an order to see it."))
	s.content = s.layout()
	s.reload()
	return s
}

func (s *ordersScreen) layout() fyne.CanvasObject {
	nav := container.NewHBox(
		widget.NewButton("◀", func() { s.setDay(s.day.AddDate(0, 0, -1)) }),
		fitWidth("2026-12-31", s.date),
		widget.NewButton("▶", func() { s.setDay(s.day.AddDate(0, 0, 1)) }),
		widget.NewButton(T("Today"), func() { s.setDay(pos.BusinessDay(s.app.deps.Now(), s.app.settings.Location())) }),
	)
	top := container.NewBorder(nil, nil, nav, nil, s.search)
	left := container.NewBorder(top, s.summary, nil, nil, s.list)
	reprint := widget.NewButton(T("Reprint receipt"), func() {
		if s.picked != nil {
			s.app.reprint(s.picked, s.showError)
		}
	})
	refund := widget.NewButton(T("Refund…"), s.onRefund)
	right := container.NewBorder(nil, container.NewVBox(s.msg, container.NewGridWithColumns(2, reprint, refund)), nil, nil,
		container.NewVScroll(s.detail))
	s.msg.relayout = right.Refresh
	split := container.NewHSplit(left, right)
	split.Offset = 0.5
	return split
}

func (s *ordersScreen) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(s.shown) {
		return
	}
	sale := s.shown[i]
	c := o.(*fyne.Container)
	kinds := make([]string, 0, len(sale.Tenders))
	for _, t := range sale.Tenders {
		kinds = append(kinds, T(tenderNames[t.Kind]))
	}
	for j, text := range []string{sale.No, sale.At.In(s.app.settings.Location()).Format("15:04:05"),
		sale.Total.Yuan(), strings.Join(kinds, "+")} {
		c.Objects[j].(*widget.Label).SetText(text)
	}
}

func (s *ordersScreen) onDate(text string) {
	d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(text), s.app.settings.Location())
	if err != nil {
		s.showError(pos.Errorf(pos.CodeInvalid, "ui: date %q: %w", text, err))
		return
	}
	s.setDay(d)
}

func (s *ordersScreen) setDay(d time.Time) {
	s.day = d
	s.reload()
}

// reload reads the day's orders from the store.
func (s *ordersScreen) reload() {
	s.date.SetText(s.day.Format("2006-01-02"))
	all, err := s.app.deps.Sales.SalesBetween(context.Background(), s.day.UTC(), s.day.AddDate(0, 0, 1).UTC())
	s.showError(err)
	s.all = all
	s.filter()
}

func (s *ordersScreen) filter() {
	s.shown = s.shown[:0]
	var sum pos.Sale
	for _, sale := range s.all {
		if sale.Matches(s.search.Text) {
			s.shown = append(s.shown, sale)
			sum.Total += sale.Total
		}
	}
	if len(s.shown) == 1 { // "1 orders" reads as a typo
		s.summary.SetText(Tf("%d order · %s", 1, sum.Total.Yuan()))
	} else {
		s.summary.SetText(Tf("%d orders · %s", len(s.shown), sum.Total.Yuan()))
	}
	s.list.UnselectAll()
	s.list.Refresh()
}

// open shows an order: its receipt as printed and its journal entry.
func (s *ordersScreen) open(sale *pos.Sale) {
	s.picked = sale
	var b strings.Builder
	b.WriteString(receiptText(sale, s.app.settings))
	b.WriteString("\n" + T("Journal entry") + " " + sale.Entry.ID + "\n")
	for _, p := range sale.Entry.Postings {
		side, f := T("Dr"), p.Debit
		if p.Credit > 0 {
			side, f = T("Cr"), p.Credit
		}
		fmt.Fprintf(&b, "  %s %-22s %12s\n", side, p.Account, f.String())
	}
	if s.app.deps.Refunds != nil {
		rs, err := s.app.deps.Refunds.Refunds(context.Background(), sale.ID)
		s.showError(err)
		b.WriteString(refundsText(rs))
	}
	s.detail.SetText(b.String())
}

// onSearchSubmit opens the order whose receipt was scanned (its QR code is
// the order number, the gun ends it with Enter) or whose number was typed
// in full.
func (s *ordersScreen) onSearchSubmit(text string) {
	for _, sale := range s.shown {
		if sale.No == strings.TrimSpace(text) {
			s.open(sale)
			return
		}
	}
}

func (s *ordersScreen) showError(err error) {
	if err != nil {
		s.app.deps.Log.Warn("orders", "err", err)
	}
	s.msg.SetText(cashierMessage(err))
}
