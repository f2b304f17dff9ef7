package auditlog

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"zhanggui/app/ui/kit"
	"zhanggui/pos"
)

// Deps is what the screen reads.
type Deps struct {
	// Events lists the events a filter picks, newest first.
	Events func(ctx context.Context, f pos.AuditFilter) ([]pos.AuditEvent, error)
	// Verify checks the whole chain.
	Verify func(ctx context.Context) (pos.AuditVerification, error)
	// Location is the shop's time zone: dates typed and times shown are
	// the shop's.
	Location func() *time.Location
}

// Screen is the audit log tab.
type Screen struct {
	Content fyne.CanvasObject

	deps    Deps
	who     *widget.Entry
	what    *widget.Select
	from    *widget.Entry // YYYY-MM-DD, the shop's day; empty: open
	to      *widget.Entry
	list    *widget.List
	events  []pos.AuditEvent
	msg     *widget.Label // the filter's result, or what is wrong with it
	result  *widget.Label // the verify's result
	verifyB *widget.Button
	mu      sync.Mutex
	done    chan struct{} // tests: closed and replaced when a load or verify ends
}

// New builds the screen; Reload fills it.
func New(d Deps) *Screen {
	s := &Screen{deps: d, who: widget.NewEntry(), from: widget.NewEntry(), to: widget.NewEntry(),
		msg: widget.NewLabel(""), result: widget.NewLabel(""), done: make(chan struct{})}
	s.who.SetPlaceHolder(kit.T("Who (part of a name)"))
	s.from.SetPlaceHolder(kit.T("From YYYY-MM-DD"))
	s.to.SetPlaceHolder(kit.T("To YYYY-MM-DD"))
	s.what = widget.NewSelect(kindLabels(), func(string) {})
	s.what.SetSelectedIndex(0)
	s.result.Wrapping = fyne.TextWrapWord
	s.list = widget.NewList(func() int { return len(s.events) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.line(s.events[i])) })
	s.verifyB = widget.NewButton(kit.T("Verify the chain"), s.Verify)
	filters := container.NewGridWithColumns(5, s.who, s.what, s.from, s.to,
		widget.NewButton(kit.T("Search"), s.Reload))
	top := container.NewVBox(filters, s.msg, container.NewBorder(nil, nil, s.verifyB, nil, s.result))
	s.Content = container.NewBorder(top, nil, nil, nil, s.list)
	return s
}

// line is one event as the list shows it.
func (s *Screen) line(ev pos.AuditEvent) string {
	at := ev.At.In(s.loc()).Format("2006-01-02 15:04:05")
	who := ev.Actor
	if ev.Approver != "" {
		who += " (" + kit.Tf("approved by %s", ev.Approver) + ")"
	}
	return fmt.Sprintf("#%d  %s  %s  %s  %s  %s", ev.Seq, at, who, kindLabel(ev.Kind), ev.Subject, ev.Data)
}

func (s *Screen) loc() *time.Location {
	if s.deps.Location != nil {
		if l := s.deps.Location(); l != nil {
			return l
		}
	}
	return time.UTC
}

// filter reads the filter fields; a date typed wrong is said so.
func (s *Screen) filter() (pos.AuditFilter, error) {
	f := pos.AuditFilter{Actor: strings.TrimSpace(s.who.Text), Kind: kindOf(s.what.Selected)}
	var err error
	if f.From, err = s.day(s.from.Text, 0); err != nil {
		return f, err
	}
	f.To, err = s.day(s.to.Text, 1) // the To day is included
	if err == nil && !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		err = fmt.Errorf("%s", kit.T("The From day is after the To day."))
	}
	return f, err
}

// day reads a shop-local date, plus add days; empty is no bound.
func (s *Screen) day(text string, add int) (time.Time, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation("2006-01-02", text, s.loc())
	if err != nil {
		return time.Time{}, fmt.Errorf("%s", kit.Tf("%q is not a date: type it as 2026-12-08.", text))
	}
	return d.AddDate(0, 0, add).UTC(), nil
}

// Title is the tab's name.
func Title() string { return kit.T("Audit log") }
