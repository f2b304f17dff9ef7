package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"zhanggui/hardware/printer/escpostest"
	"zhanggui/pos"
)

// kicks is the number of drawer pulses in print job i.
func (f *fixture) kicks(t *testing.T, i int) int {
	t.Helper()
	r, err := escpostest.Decode(f.print.jobs[i])
	if err != nil {
		t.Fatal(err)
	}
	return r.Count("ESC p")
}

// A cash sale's receipt opens the drawer; its reprint (F10) does not:
// the drawer is ActDrawer's, not ActReprint's.
func TestReprintOpensNoDrawer(t *testing.T) {
	f := newFixture(t)
	f.approvals(t, pos.RoleManager)
	f.scan("6901234567892")
	f.key(fyne.KeyF12)
	f.app.pay.received.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(f.print.jobs) != 1 || f.kicks(t, 0) != 1 {
		t.Fatalf("the cash sale printed %d jobs; want one with the drawer kick", len(f.print.jobs))
	}
	f.key(fyne.KeyF10)
	if len(f.print.jobs) != 2 || f.app.gate.Sheet != nil {
		t.Fatalf("F10: %d jobs, sheet %v; want the reprint at once", len(f.print.jobs), f.app.gate.Sheet)
	}
	if n := f.kicks(t, 1); n != 0 {
		t.Errorf("the reprint pulses the drawer %d times, want none", n)
	}
}
