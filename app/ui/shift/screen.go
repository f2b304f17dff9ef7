package shift

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"zhanggui/app/ui/kit"
	"zhanggui/hardware/printer"
	"zhanggui/pos"
	"zhanggui/pos/money"
)

// Screen is the shift tab: the shift's state, its actions, and a body that
// shows the form or report in hand.
type Screen struct {
	d       Deps
	Content fyne.CanvasObject

	status  *widget.Label
	msg     *widget.Label
	body    *fyne.Container
	preview *kit.Paper // the report in hand as the paper shows it (Chinese too)

	openBtn, inBtn, outBtn, dropBtn, xBtn, closeBtn, zBtn, lastBtn *widget.Button

	shift   *pos.Shift // the open shift; nil when none
	closing *closeFlow // the close in progress, if any

	// The form in hand (tests type into them).
	floatForm              *countForm
	moveAmount, moveReason *widget.Entry
}

// New builds the shift tab.
func New(d Deps) *Screen {
	s := &Screen{d: d, status: widget.NewLabel(""), msg: widget.NewLabel(""), body: container.NewVBox()}
	s.msg.Wrapping = fyne.TextWrapWord
	s.preview = kit.NewPaper("")
	s.openBtn = widget.NewButton(T("Open shift"), s.startOpen)
	s.inBtn = widget.NewButton(T("Paid in"), func() { s.startMove(pos.PaidIn) })
	s.outBtn = widget.NewButton(T("Paid out"), func() { s.startMove(pos.PaidOut) })
	s.dropBtn = widget.NewButton(T("Drop to safe"), func() { s.startMove(pos.Drop) })
	s.xBtn = widget.NewButton(T("X report"), s.xReport)
	s.closeBtn = widget.NewButton(T("Close shift"), s.startClose)
	s.zBtn = widget.NewButton(T("Z report (日结)"), s.zReport)
	s.lastBtn = widget.NewButton(T("Last shift's result"), s.lastResult)
	bar := container.NewHBox(s.openBtn, s.inBtn, s.outBtn, s.dropBtn, s.xBtn, s.closeBtn, s.zBtn, s.lastBtn)
	top := container.NewVBox(s.status, bar, s.msg)
	s.Content = container.NewBorder(top, nil, nil, nil, container.NewVScroll(s.body))
	s.Reload()
	return s
}

// Reload reads the open shift and shows it.
func (s *Screen) Reload() {
	sh, err := s.d.Store.CurrentShift(context.Background())
	switch {
	case err == nil:
		s.shift = &sh
	case errors.Is(err, pos.ErrNoShift):
		s.shift = nil
	default:
		s.shift = nil
		s.say(T("The shift could not be read: ") + err.Error())
	}
	s.showState()
}

func (s *Screen) showState() {
	open := s.shift != nil
	if open {
		loc := s.d.Settings().Location()
		s.status.SetText(Tf("Shift %d open since %s · %s · float %s", s.shift.No,
			s.shift.OpenedAt.In(loc).Format("01-02 15:04"), s.shift.Cashier, s.shift.Float.Total().Yuan()))
	} else {
		s.status.SetText(T("No shift is open. Open one with the float before selling."))
	}
	for _, b := range []*widget.Button{s.inBtn, s.outBtn, s.dropBtn, s.xBtn, s.closeBtn} {
		enable(b, open)
	}
	enable(s.openBtn, !open)
	enable(s.zBtn, !open)
}

func enable(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func (s *Screen) say(m string) { s.msg.SetText(m) }

func (s *Screen) show(objs ...fyne.CanvasObject) {
	s.body.Objects = objs
	s.body.Refresh()
}

// gate asks the permission table about actions for who is at the till:
// allowed runs do at once; one needing approval runs do, off the Fyne
// goroutine, after the Approve hook returns an approval (approver
// "approval:ID"); a denied one says so and runs nothing.
func (s *Screen) gate(req ApprovalRequest, do func(approver string)) {
	who := s.d.Who()
	req.Requester = who
	switch s.d.Permissions().Decide(who.Role, req.Actions...) {
	case pos.Allow:
		do("")
	case pos.Approve:
		if s.d.Approve == nil {
			s.say(T("This needs a manager's approval, and approvals are not available on this till."))
			return
		}
		go func() {
			id, ok := s.d.Approve(req)
			fyne.Do(func() {
				if !ok {
					s.say(T("Not approved: nothing was done."))
					return
				}
				do("approval:" + id)
			})
		}()
	default:
		s.say(Tf("%s may not do this.", who.Name))
	}
}

// mayFull tells whether who may see the expected cash and the over/short.
func (s *Screen) mayFull() bool {
	return s.d.Permissions().Decide(s.d.Who().Role, pos.ActSeeExpectedCash) == pos.Allow
}

// print queues d and shows it as the paper will print it.
func (s *Screen) print(d printer.Doc) {
	s.preview.SetText(printer.EncodeText(d, printer.Width(s.d.Settings().PaperWidth)))
	if s.d.Print == nil {
		return
	}
	if err := s.d.Print(d); err != nil {
		s.say(T("The printer did not take it: ") + err.Error())
	}
}

func (s *Screen) head() string {
	seq, hash, err := s.d.Store.AuditHead(context.Background())
	if err != nil {
		return ""
	}
	return Head(seq, hash)
}

// startOpen shows the float count.
func (s *Screen) startOpen() {
	s.closing = nil
	form := newCountForm(false)
	s.floatForm = form
	s.say(T("Count the float (备用金) by denomination, then open the shift."))
	s.show(form.content, widget.NewButton(T("Open shift with this float"), func() { s.open(form) }))
}

func (s *Screen) open(form *countForm) {
	cnt, bad := form.read()
	if bad != "" {
		s.say(bad)
		return
	}
	s.gate(ApprovalRequest{Actions: []pos.Action{pos.ActSell}, Subject: "shift", Amount: cnt.Total()}, func(string) {
		o := pos.ShiftOpening{ID: s.d.NewID(), Till: s.d.till(), Cashier: s.d.Who().Name, Float: cnt}
		sh, err := s.d.Store.OpenShift(context.Background(), o)
		if err != nil {
			s.say(storeMessage(err))
			s.Reload()
			return
		}
		s.shift = &sh
		s.show()
		s.say(Tf("Shift %d is open with a float of %s.", sh.No, cnt.Total().Yuan()))
		s.showState()
	})
}

// moveActions gates each cash move: drops are treated as paid-in (moving
// money between drawer and safe is a cashier's routine).
var moveActions = map[pos.CashMoveKind]pos.Action{pos.PaidIn: pos.ActPaidIn, pos.PaidOut: pos.ActPaidOut, pos.Drop: pos.ActPaidIn}

var moveNames = map[pos.CashMoveKind]string{pos.PaidIn: "Paid in", pos.PaidOut: "Paid out", pos.Drop: "Drop to safe"}

// moveReasons are the usual reasons, offered in the reason field.
var moveReasons = []string{"Change from the safe", "Supplier paid", "Shop expenses", "Cash to the safe"}

func (s *Screen) startMove(k pos.CashMoveKind) {
	s.closing = nil
	amount := widget.NewEntry()
	amount.SetPlaceHolder("0.00")
	var reasons []string
	for _, r := range moveReasons {
		reasons = append(reasons, T(r))
	}
	reason := widget.NewSelectEntry(reasons)
	reason.SetPlaceHolder(T("Reason"))
	s.moveAmount, s.moveReason = amount, &reason.Entry
	s.say(T(moveNames[k]))
	s.show(widget.NewForm(widget.NewFormItem(T("Amount"), amount), widget.NewFormItem(T("Reason"), reason)),
		widget.NewButton(T("Save"), func() { s.move(k, amount.Text, reason.Text) }))
}

func (s *Screen) move(k pos.CashMoveKind, amountText, reason string) {
	amount, err := money.Parse(strings.TrimSpace(amountText))
	if err != nil || amount <= 0 {
		s.say(T("Type the amount in yuan, above zero: 50 or 12.50."))
		return
	}
	if strings.TrimSpace(reason) == "" {
		s.say(T("Give a reason."))
		return
	}
	sh := s.shift
	req := ApprovalRequest{Actions: []pos.Action{moveActions[k]}, Subject: "shift:" + sh.ID, Amount: amount, Reason: reason}
	s.gate(req, func(approver string) {
		m := pos.CashMove{ID: s.d.NewID(), ShiftID: sh.ID, Kind: k, Amount: amount, Reason: strings.TrimSpace(reason),
			By: s.d.Who().Name, Approver: approver}
		if err := s.d.Store.SaveCashMove(context.Background(), m); err != nil {
			s.say(storeMessage(err))
			return
		}
		s.show()
		s.say(Tf("%s of %s saved.", T(moveNames[k]), amount.Yuan()))
	})
}

// xReport prints the shift's figures so far; the expected cash only for
// those allowed to see it.
func (s *Screen) xReport() {
	sh := *s.shift
	s.gate(ApprovalRequest{Actions: []pos.Action{pos.ActXReport}, Subject: "shift:" + sh.ID}, func(string) {
		ctx := context.Background()
		f, err := s.d.Store.ShiftFigures(ctx, sh.ID)
		if err != nil {
			s.say(storeMessage(err))
			return
		}
		_, err = s.d.Store.AppendAudit(ctx, pos.AuditEvent{Till: s.d.till(), Actor: s.d.Who().Name,
			Kind: pos.AuditXReport, Subject: "shift:" + sh.ID})
		if err != nil {
			s.say(storeMessage(err))
			return
		}
		s.print(slip{title: T("X report (交班中)"), shift: sh, f: f, head: s.head(), full: s.mayFull()}.doc(s.d.Settings()))
		s.show(s.preview)
		s.say(T("X report printed."))
	})
}

func (s *Screen) zReport() {
	s.gate(ApprovalRequest{Actions: []pos.Action{pos.ActZReport}, Subject: "z"}, func(string) {
		z, err := s.d.Store.SaveZReport(context.Background(), s.d.Who().Name, s.d.till())
		if err != nil {
			s.say(storeMessage(err))
			return
		}
		s.print(zDoc(z, s.head(), s.d.Settings()))
		s.show(s.preview)
		s.say(Tf("Z report %d done: net %s, grand total %s.", z.No, z.Net.Yuan(), z.GrandTotal.Yuan()))
	})
}

// storeMessage words a store error for the cashier.
func storeMessage(err error) string {
	var blocked *pos.ShiftBlockedError
	switch {
	case errors.As(err, &blocked):
		return blockedMessage(blocked)
	case errors.Is(err, pos.ErrShiftOpen):
		return T("A shift is already open on this till.")
	case errors.Is(err, pos.ErrShiftClosed), errors.Is(err, pos.ErrNoShift):
		return T("This shift is closed already: nothing was changed. A closed shift cannot be reopened.")
	case errors.Is(err, pos.ErrShiftsOpenAtZ):
		return T("Close the open shift before the Z report.")
	case errors.Is(err, pos.ErrNothingForZ):
		return T("No shift has closed since the last Z report.")
	case errors.Is(err, pos.ErrBadCount):
		return T("The count holds a number that cannot be right: whole pieces, 0 or more.")
	case errors.Is(err, pos.ErrCashMove):
		return T("A cash move needs an amount above zero and a reason.")
	}
	return T("It could not be saved: ") + err.Error()
}

// blockedMessage lists what stands in the way of a close.
func blockedMessage(b *pos.ShiftBlockedError) string {
	var sb strings.Builder
	sb.WriteString(T("The shift cannot close yet:"))
	for _, h := range b.Held {
		sb.WriteString("\n· " + Tf("held sale %s: resume and finish or cancel it", h))
	}
	for _, p := range b.Payments {
		sb.WriteString("\n· " + Tf("payment %s is 待确认/处理中: query or resolve it", p))
	}
	for _, r := range b.Refunds {
		sb.WriteString("\n· " + Tf("refund %s is 处理中: wait for its answer", r))
	}
	return sb.String()
}
