package shift

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
)

// closeFlow is a close in progress: the blind count, then, when it is off
// by more than the limit, one recount, then a reason.
type closeFlow struct {
	shift    pos.Shift
	id       string // the close's ID: refused attempts write nothing, so one serves them all
	form     *countForm
	first    pos.Count // the first count, once a recount is asked for
	recounts int
	approver string
	reason   *widget.Entry
	needWhy  bool
	final    pos.Count // the recount refused for want of a reason: read-only from then on
}

// startClose checks the close is allowed and nothing blocks it, then
// shows the blind count.
func (s *Screen) startClose() {
	sh := *s.shift
	s.gate(ApprovalRequest{Actions: []pos.Action{pos.ActShiftClose}, Subject: "shift:" + sh.ID}, func(approver string) {
		b, err := s.d.Store.CloseBlockers(context.Background())
		if err != nil {
			s.say(storeMessage(err))
			return
		}
		if b.Blocks() {
			s.say(blockedMessage(b))
			return
		}
		s.closing = &closeFlow{shift: sh, id: s.d.NewID(), form: newCountForm(true), approver: approver,
			reason: widget.NewEntry()}
		s.closing.reason.SetPlaceHolder(T("Why the drawer is off"))
		s.say(T("Count the drawer by denomination. The till does not show what it expects until you submit."))
		s.showClose()
	})
}

func (s *Screen) showClose() {
	c := s.closing
	objs := []fyne.CanvasObject{c.form.content}
	if c.needWhy {
		objs = append(objs, widget.NewForm(widget.NewFormItem(T("Reason"), c.reason)))
	}
	objs = append(objs, widget.NewButton(T("Submit the count"), s.submitCount))
	s.show(objs...)
}

// submitCount tries the close with the count typed.
func (s *Screen) submitCount() {
	c := s.closing
	if c == nil {
		return
	}
	cnt, bad := c.form.read()
	if c.final != nil {
		cnt, bad = c.final, ""
	}
	if bad != "" {
		s.say(bad)
		return
	}
	closing := pos.ShiftClosing{ID: c.id, ShiftID: c.shift.ID, By: s.d.Who().Name, Counted: cnt, First: c.first,
		Recounts: c.recounts, Recounted: c.final, Reason: c.reason.Text, Approver: c.approver}
	sh, err := s.d.Store.CloseShift(context.Background(), closing, s.d.Permissions().Limits.RecountOver)
	switch {
	case err == nil:
		s.closed(sh)
	case errors.Is(err, pos.ErrRecountNeeded):
		c.first, c.recounts = cnt, 1
		c.form.clear()
		s.say(s.offBy(c.shift.ID, cnt) + T("Count the drawer once more, from the start."))
	case errors.Is(err, pos.ErrReasonNeeded):
		c.needWhy, c.final = true, cnt
		c.form.freeze(cnt)
		s.showClose()
		s.say(s.offBy(c.shift.ID, cnt) + T("Still off after the recount: give a reason and submit again."))
	default:
		s.say(storeMessage(err))
	}
}

// offBy tells those allowed how far the count is off; the others only
// learn that it is.
func (s *Screen) offBy(shiftID string, cnt pos.Count) string {
	if !s.mayFull() {
		return T("The count does not match what the till expects. ")
	}
	f, err := s.d.Store.ShiftFigures(context.Background(), shiftID)
	if err != nil {
		return T("The count does not match what the till expects. ")
	}
	return Tf("Counted %s, expected %s: off by %s. ", cnt.Total().Yuan(), f.Expected().Yuan(),
		(cnt.Total() - f.Expected()).Yuan())
}

// closed prints the cashier's blind copy and shows the result to those
// allowed to see it.
func (s *Screen) closed(sh pos.Shift) {
	s.closing, s.shift = nil, nil
	s.showState()
	ctx := context.Background()
	f, err := s.d.Store.ShiftFigures(ctx, sh.ID)
	if err != nil {
		s.say(T("The shift is closed, but its figures could not be read: ") + err.Error())
		return
	}
	head := s.head()
	st := s.d.Settings()
	s.print(slip{title: T("Shift report (交班单) · cashier's copy"), shift: sh, f: f, head: head, closed: true}.doc(st))
	if !s.mayFull() {
		s.show(s.preview)
		s.say(Tf("Shift %d is closed. Your count is recorded; a manager sees the result.", sh.No))
		return
	}
	full := slip{title: T("Shift report (交班单)"), shift: sh, f: f, head: head, full: true, closed: true}.doc(st)
	s.show(widget.NewLabel(Tf("Counted %s · expected %s · %s %s", sh.Counted.Total().Yuan(), sh.Expected.Yuan(),
		overShortLabel(sh.OverShort), sh.OverShort.Yuan())),
		widget.NewButton(T("Print the full 交班单"), func() { s.print(full); s.show(s.preview) }), s.preview)
	s.say(Tf("Shift %d is closed.", sh.No))
}

// lastResult shows and prints the full 交班单 of the last closed shift to
// those allowed to see the expected cash: how a manager sees the result of
// a cashier's blind close.
func (s *Screen) lastResult() {
	s.gate(ApprovalRequest{Actions: []pos.Action{pos.ActSeeExpectedCash}, Subject: "shift"}, func(string) {
		ctx := context.Background()
		shifts, err := s.d.Store.Shifts(ctx, 2)
		if err != nil {
			s.say(storeMessage(err))
			return
		}
		for _, sh := range shifts {
			if sh.State != pos.ShiftClosed {
				continue
			}
			f, err := s.d.Store.ShiftFigures(ctx, sh.ID)
			if err != nil {
				s.say(storeMessage(err))
				return
			}
			s.print(slip{title: T("Shift report (交班单)"), shift: sh, f: f, head: s.head(), full: true, closed: true}.doc(s.d.Settings()))
			s.show(s.preview)
			s.say(Tf("Shift %d: counted %s, expected %s, %s %s.", sh.No, sh.Counted.Total().Yuan(), sh.Expected.Yuan(),
				overShortLabel(sh.OverShort), sh.OverShort.Yuan()))
			return
		}
		s.say(T("No shift has closed yet."))
	})
}
