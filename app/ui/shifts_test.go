package ui

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"zhanggui/app/ui/approve"
	"zhanggui/app/ui/shift"
	"zhanggui/pos"
	"zhanggui/storage/storagetest"
)

// widgetsUnder lists the buttons and entries under o, scrolls and forms
// included, in order.
func widgetsUnder(o fyne.CanvasObject) (buttons []*widget.Button, entries []*widget.Entry) {
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Button:
			buttons = append(buttons, w)
		case *widget.Entry:
			entries = append(entries, w)
		case *widget.SelectEntry:
			entries = append(entries, &w.Entry)
		case *widget.Form:
			for _, it := range w.Items {
				walk(it.Widget)
			}
		case *container.Scroll:
			walk(w.Content)
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	return buttons, entries
}

// tapLabelled taps the button labelled label under o.
func tapLabelled(t *testing.T, o fyne.CanvasObject, label string) {
	t.Helper()
	bs, _ := widgetsUnder(o)
	for _, b := range bs {
		if b.Text == label {
			test.Tap(b)
			return
		}
	}
	t.Fatalf("no button %q", label)
}

// sheetOpened waits for the gate's approval sheet, which the shift
// screen's goroutine opens.
func sheetOpened(t *testing.T, g *approve.Gate) *approve.Sheet {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if s := g.Sheet; s != nil {
			return s
		}
	}
	t.Fatal("no approval sheet opened")
	return nil
}

// cashMoveEvents are the audit log's cash moves.
func (f *fixture) cashMoveEvents(t *testing.T) []pos.AuditEvent {
	t.Helper()
	evs, err := f.db.AuditEvents(context.Background(), pos.AuditFilter{Kind: pos.AuditCashMove})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// A cashier's paid-out needs the manager's PIN: the approval's ID travels
// with the cash move, the store uses it in the move's transaction, and
// the move's audit event names the manager; the same approval cannot
// approve another move.
func TestCashierPaidOutNeedsManagerPIN(t *testing.T) {
	f := newFixture(t)
	f.app.deps.Shifts = ShiftDeps{Store: f.db}
	f.approvals(t, pos.RoleCashier)
	ctx := context.Background()
	sh, err := f.db.OpenShift(ctx, pos.ShiftOpening{ID: "sh-1", Till: "S1-T1", Cashier: "收银员", Float: pos.Count{10000: 2}})
	if err != nil {
		t.Fatal(err)
	}
	f.app.build()
	s := f.app.shifts
	s.Reload()
	tapLabelled(t, s.Content, shift.T("Paid out"))
	_, entries := widgetsUnder(s.Content)
	if len(entries) != 2 {
		t.Fatalf("the paid-out form has %d entries, want amount and reason", len(entries))
	}
	entries[0].SetText("50")
	entries[1].SetText("买菜")
	tapLabelled(t, s.Content, shift.T("Save"))
	sheet := sheetOpened(t, f.app.gate)
	sheet.Reason.SetSelectedIndex(0)
	test.Tap(tile(t, sheet, "店长"))
	test.Type(sheet.PIN, storagetest.ManagerPIN)
	test.Tap(sheet.ApprovePIN)
	var evs []pos.AuditEvent
	for end := time.Now().Add(10 * time.Second); len(evs) == 0 && time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		evs = f.cashMoveEvents(t)
	}
	if len(evs) != 1 || evs[0].Actor != "收银员" || evs[0].Approver != "店长" || evs[0].Subject != "shift:"+sh.ID {
		t.Fatalf("cash move events %+v, want one by 收银员 approved by 店长", evs)
	}
	var data struct{ Approval string }
	if err := json.Unmarshal([]byte(evs[0].Data), &data); err != nil || data.Approval == "" {
		t.Fatalf("the move's event names no approval: %s", evs[0].Data)
	}
	a, err := f.db.Approval(ctx, data.Approval)
	if err != nil || !a.Used || a.RequestID != sheet.Request().ID || a.Approver.Name != "店长" {
		t.Errorf("the approval after the move: %+v, %v; want the sheet's, used", a, err)
	}
	again := pos.CashMove{ID: "cm-again", ShiftID: sh.ID, Kind: pos.PaidOut, Amount: 5000, Reason: "again", By: "收银员",
		Approver: "approval:" + a.ID}
	if err := f.db.SaveCashMove(ctx, again); err == nil || len(f.cashMoveEvents(t)) != 1 {
		t.Errorf("a second move on the used approval: %v", err)
	}
}
