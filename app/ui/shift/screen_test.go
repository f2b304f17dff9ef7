package shift

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"zhanggui/app/ui/kit"
	"zhanggui/hardware/printer"
	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

var (
	owner   = pos.Staff{ID: 1, Name: "店主", Role: pos.RoleOwner, Active: true}
	manager = pos.Staff{ID: 2, Name: "王店长", Role: pos.RoleManager, Active: true}
	cashier = pos.Staff{ID: 3, Name: "李收银", Role: pos.RoleCashier, Active: true}
)

type fixture struct {
	t        *testing.T
	db       *storage.DB
	s        *Screen
	mu       sync.Mutex
	who      pos.Staff
	docs     []printer.Doc
	asked    []ApprovalRequest
	approves bool
	n        int
}

func newFixture(t *testing.T) *fixture {
	test.NewTempApp(t)
	kit.SetLanguage("en")
	t.Cleanup(func() { kit.SetLanguage("zh") })
	f := &fixture{t: t, db: storagetest.NewDB(t), who: cashier, approves: true}
	st := pos.DefaultSettings()
	f.s = New(Deps{
		Store: f.db, Window: test.NewWindow(nil),
		Who:         func() pos.Staff { f.mu.Lock(); defer f.mu.Unlock(); return f.who },
		Settings:    func() pos.Settings { return st },
		Permissions: pos.DefaultPermissions,
		Approve: func(req ApprovalRequest) (string, bool) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.asked = append(f.asked, req)
			return "ap-1", f.approves
		},
		Print: func(d printer.Doc) error { f.mu.Lock(); defer f.mu.Unlock(); f.docs = append(f.docs, d); return nil },
		NewID: func() string { f.n++; return "id" + string(rune('a'+f.n)) },
	})
	return f
}

func (f *fixture) as(s pos.Staff) { f.mu.Lock(); f.who = s; f.mu.Unlock() }

// find returns the first widget of type W whose text satisfies ok.
func find[W fyne.CanvasObject](root fyne.CanvasObject, ok func(W) bool) (W, bool) {
	var zero W
	var out W
	found := false
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found {
			return
		}
		if w, is := o.(W); is && ok(w) {
			out, found = w, true
			return
		}
		switch c := o.(type) {
		case *fyne.Container:
			for _, ch := range c.Objects {
				walk(ch)
			}
		case *widget.Form:
			for _, it := range c.Items {
				walk(it.Widget)
			}
		default:
			if w, is := o.(fyne.Widget); is {
				r := test.WidgetRenderer(w)
				for _, ch := range r.Objects() {
					walk(ch)
				}
			}
		}
	}
	walk(root)
	if !found {
		return zero, false
	}
	return out, true
}

func (f *fixture) tap(label string) {
	f.t.Helper()
	b, ok := find(f.s.Content, func(b *widget.Button) bool { return b.Text == label })
	if !ok {
		f.t.Fatalf("no button %q", label)
	}
	test.Tap(b)
}

// count types pieces into a count form.
func typeCount(c *countForm, cnt map[money.Fen]string) {
	for d, s := range cnt {
		c.entries[d].SetText(s)
	}
}

// wait polls for cond: approvals finish off the Fyne goroutine.
func (f *fixture) wait(what string, cond func() bool) {
	f.t.Helper()
	for i := 0; i < 200; i++ {
		var ok bool
		fyne.DoAndWait(func() { ok = cond() })
		if ok {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	f.t.Fatalf("timed out waiting for %s; message %q", what, f.s.msg.Text)
}

func (f *fixture) openForm() *countForm {
	f.t.Helper()
	f.tap("Open shift")
	c := f.s.floatForm
	if c == nil {
		f.t.Fatal("no count form shown")
	}
	return c
}

func TestOpenShiftRefusesBadCounts(t *testing.T) {
	f := newFixture(t)
	c := f.openForm()
	for _, bad := range []string{"-1", "abc", "1.5"} {
		typeCount(c, map[money.Fen]string{10000: bad})
		f.tap("Open shift with this float")
		if !strings.Contains(f.s.msg.Text, "whole number") {
			t.Errorf("count %q: message %q", bad, f.s.msg.Text)
		}
		if _, err := f.db.CurrentShift(context.Background()); err == nil {
			t.Fatalf("count %q opened a shift", bad)
		}
	}
	typeCount(c, map[money.Fen]string{10000: "2", 1000: "５", 10: ""})
	f.tap("Open shift with this float")
	sh, err := f.db.CurrentShift(context.Background())
	if err != nil || sh.Float.Total() != 25000 || sh.Cashier != cashier.Name {
		t.Fatalf("open: %+v, %v (%s)", sh, err, f.s.msg.Text)
	}
}

func TestCloseBlindRecountReasonAndSlip(t *testing.T) {
	f := newFixture(t)
	c := f.openForm()
	typeCount(c, map[money.Fen]string{10000: "1"})
	f.tap("Open shift with this float")
	sh, err := f.db.CurrentShift(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sale(t, f.db)

	// A cashier's paid-out needs approval: the sheet is asked, then it is saved.
	f.tap("Paid out")
	f.s.moveAmount.SetText("12.50")
	f.s.moveReason.SetText("买垃圾袋")
	f.tap("Save")
	f.wait("the paid-out", func() bool { return strings.Contains(f.s.msg.Text, "saved") })
	if len(f.asked) != 1 || f.asked[0].Actions[0] != pos.ActPaidOut || f.asked[0].Amount != 1250 {
		t.Fatalf("approval asked %+v", f.asked)
	}

	fig, err := f.db.ShiftFigures(context.Background(), sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	exp := fig.Expected()
	f.tap("Close shift")
	if f.s.closing == nil {
		t.Fatalf("no close form: %q", f.s.msg.Text)
	}
	if strings.Contains(f.s.msg.Text, exp.Yuan()) || strings.Contains(f.s.closing.form.total.Text, exp.Yuan()) {
		t.Fatal("the blind count shows the expected cash")
	}
	// ¥50 short: recount asked, without the figure for a cashier.
	typeCount(f.s.closing.form, map[money.Fen]string{10: itoa(int64(exp-5000) / 10)})
	f.tap("Submit the count")
	if !strings.Contains(f.s.msg.Text, "once more") || strings.Contains(f.s.msg.Text, exp.Yuan()) {
		t.Fatalf("after the first count: %q", f.s.msg.Text)
	}
	typeCount(f.s.closing.form, map[money.Fen]string{10: itoa(int64(exp-5000) / 10)})
	f.tap("Submit the count")
	if !strings.Contains(f.s.msg.Text, "reason") {
		t.Fatalf("after the recount: %q", f.s.msg.Text)
	}
	// The recount is final: read-only, and a count typed anyway is not sent.
	for d, e := range f.s.closing.form.entries {
		if !e.Disabled() {
			t.Fatalf("the %v entry is still editable after the recount", d)
		}
	}
	typeCount(f.s.closing.form, map[money.Fen]string{10: itoa(int64(exp) / 10)})
	f.s.closing.reason.SetText("找错零")
	f.tap("Submit the count")
	closed, err := f.db.Shift(context.Background(), sh.ID)
	if err != nil || closed.State != pos.ShiftClosed || closed.Recounts != 1 || closed.Reason != "找错零" || closed.OverShort != -5000 {
		t.Fatalf("closed %+v, %v (%s)", closed, err, f.s.msg.Text)
	}
	last := f.docs[len(f.docs)-1]
	text := printer.EncodeText(last, printer.Paper58)
	if strings.Contains(text, "Expected") || strings.Contains(text, exp.String()) {
		t.Errorf("the cashier's copy shows the expected cash:\n%s", text)
	}
	seq, hash, _ := f.db.AuditHead(context.Background())
	if last.QR != Head(seq, hash) || !strings.Contains(text, Head(seq, hash)) {
		t.Errorf("slip QR %q, text %s; want head %s", last.QR, text, Head(seq, hash))
	}
	// The slip's per-tender nets are the ledger's for the shift.
	book, err := f.db.ShiftLedger(context.Background(), sh.ID)
	if err != nil {
		t.Fatal(err)
	}
	nets := map[string]string{}
	for _, r := range last.Tenders {
		nets[r.Label] = r.Value
	}
	for k, want := range book.Tenders {
		if got := nets[Tf("%s net", T(tenderNames[k]))]; got != want.String() {
			t.Errorf("%s: the slip's net %q, the ledger's %v", k, got, want)
		}
	}
	if len(book.Tenders) == 0 {
		t.Error("the ledger has no takings for the shift")
	}
	// The cashier may not see the result; the manager may, on the full 交班单.
	f.tap("Last shift's result")
	if !strings.Contains(f.s.msg.Text, "may not") {
		t.Errorf("a cashier asks for the result: %q", f.s.msg.Text)
	}
	f.as(manager)
	f.tap("Last shift's result")
	full := printer.EncodeText(f.docs[len(f.docs)-1], printer.Paper58)
	if !strings.Contains(full, closed.Expected.String()) || !strings.Contains(full, "Short") || !strings.Contains(full, "找错零") {
		t.Errorf("the manager's full 交班单:\n%s", full)
	}
	// A closed shift cannot be closed again: a retried tap says so and changes nothing.
	if _, err := f.db.CloseShift(context.Background(), pos.ShiftClosing{ID: "other", ShiftID: sh.ID, By: "x",
		Counted: pos.Count{}}, 500); err == nil || !strings.Contains(storeMessage(err), "cannot be reopened") {
		t.Errorf("second close: %v", err)
	}
}

func TestZReportGated(t *testing.T) {
	f := newFixture(t)
	c := f.openForm()
	typeCount(c, map[money.Fen]string{10000: "1"})
	f.tap("Open shift with this float")
	f.as(manager)
	f.tap("Close shift")
	typeCount(f.s.closing.form, map[money.Fen]string{10000: "1"})
	f.tap("Submit the count")
	if !strings.Contains(f.s.msg.Text, "closed") {
		t.Fatalf("close: %q", f.s.msg.Text)
	}
	f.as(cashier)
	f.tap("Z report (日结)")
	if !strings.Contains(f.s.msg.Text, "may not") {
		t.Fatalf("a cashier's Z: %q", f.s.msg.Text)
	}
	f.as(manager)
	f.tap("Z report (日结)")
	z, err := f.db.LastZReport(context.Background())
	if err != nil || z.No != 1 || !strings.Contains(f.s.msg.Text, "Z report 1") {
		t.Fatalf("z %+v, %v, %q", z, err, f.s.msg.Text)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// sale saves a cash sale in the open shift.
func sale(t *testing.T, db *storage.DB) {
	t.Helper()
	ps := storagetest.Seed(t, db, 2)
	s, err := storagetest.Sale("sale1", "01-01-20261125-0001", storagetest.Epoch, ps...)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SaveSale(context.Background(), s); err != nil {
		t.Fatal(err)
	}
}
