package approve

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"zhanggui/app/ui/kit"
	"zhanggui/pos"
)

// Sheet is the approval sheet: what is asked (action, subject, amount),
// why (a reason from the list and a note), and who approves: an approver's
// tile and PIN on this till, or, with nobody here, the challenge read out
// over the phone and the code their authenticator shows typed in.
type Sheet struct {
	gate      *Gate
	perms     pos.Permissions
	req       pos.ApprovalRequest
	done      func(pos.Approval, pos.ApprovalRequest)
	cancelled func()      // told when the sheet closes without an approval; may be nil
	approvers []pos.Staff // may approve, on this till
	remote    []pos.Staff // may approve, and have an authenticator
	picked    int         // the approver tile picked, -1 for none
	challenge string

	Reason      *widget.Select
	Note        *widget.Entry
	Tiles       []*widget.Button
	PIN         *widget.Entry
	ApprovePIN  *widget.Button
	Away        *widget.Button // "manager not here"
	Challenge   *widget.Label
	Remote      *widget.Select
	Code        *widget.Entry
	ApproveCode *widget.Button
	Cancel      *widget.Button
	Msg         *widget.Label
	away        *fyne.Container
	dlg         dialog.Dialog
}

// Reasons is the short list an approval's reason is chosen from.
var Reasons = []string{
	"Customer returned the goods", "Wrong item or price rung up", "Damaged or expired goods",
	"Regular customer's discount", "Change for the drawer", "Other (see the note)",
}

// ask opens the sheet for in as g.Sheet; done gets the recorded approval,
// cancelled (when not nil) hears of a sheet closed without one. Nothing
// opens (and who is told) when nobody could approve: it returns false.
func (g *Gate) ask(p pos.Permissions, in Intent, who pos.Staff, done func(pos.Approval, pos.ApprovalRequest),
	cancelled func()) bool {
	if g.Deps.Staff == nil || g.Deps.Store == nil {
		g.tell(kit.Tf("%s needs a manager's approval, and approvals are not set up on this till.", in.What))
		return false
	}
	staff, err := g.Deps.Staff.Staff(context.Background())
	if err != nil {
		g.fail(err)
		return false
	}
	s := &Sheet{gate: g, perms: p, done: done, cancelled: cancelled, picked: -1, req: pos.ApprovalRequest{
		ID: g.Deps.NewID(), Actions: in.Actions, Subject: in.Subject, Amount: in.Amount, Requester: who}}
	for _, m := range staff {
		if m.ID != who.ID && p.CanApprove(m, in.Actions...) {
			s.approvers = append(s.approvers, m)
			if m.TOTP {
				s.remote = append(s.remote, m)
			}
		}
	}
	if len(s.approvers) == 0 {
		g.tell(kit.Tf("%s needs an approval, and nobody on the staff list may give it. Ask the owner.", in.What))
		return false
	}
	s.challenge = pos.Challenge(g.Deps.TillKey, s.req)
	g.Sheet = s
	s.build(in)
	return true
}

func (s *Sheet) build(in Intent) {
	reasons := make([]string, len(Reasons))
	for i, r := range Reasons {
		reasons[i] = kit.T(r)
	}
	s.Reason = widget.NewSelect(reasons, nil)
	s.Reason.PlaceHolder = kit.T("Choose a reason")
	s.Note = widget.NewEntry()
	s.Note.SetPlaceHolder(kit.T("Note (optional)"))
	s.Msg = widget.NewLabel("")
	s.Msg.Importance = widget.DangerImportance
	s.Msg.Wrapping = fyne.TextWrapWord
	head := widget.NewForm(
		widget.NewFormItem(kit.T("Action"), widget.NewLabel(in.What)),
		widget.NewFormItem(kit.T("About"), widget.NewLabel(subjectText(in))),
		widget.NewFormItem(kit.T("Amount"), widget.NewLabel("¥"+in.Amount.String())),
		widget.NewFormItem(kit.T("Asked by"), widget.NewLabel(s.req.Requester.Name)),
		widget.NewFormItem(kit.T("Reason"), s.Reason),
		widget.NewFormItem(kit.T("Note"), s.Note),
	)
	s.Cancel = widget.NewButton(kit.T("Cancel"), func() { s.close() })
	box := container.NewVBox(head, widget.NewSeparator(), s.here(), s.awayPart(), s.Msg, s.Cancel)
	s.dlg = dialog.NewCustomWithoutButtons(kit.T("Manager approval needed"), box, s.gate.Win)
	s.dlg.Show()
	if s.gate.opened != nil {
		s.gate.opened(s)
	}
}

func subjectText(in Intent) string {
	switch {
	case in.Detail != "":
		return in.Detail
	case in.Subject != "":
		return in.Subject
	}
	return "—"
}

// here is the approver tiles and the PIN pad.
func (s *Sheet) here() fyne.CanvasObject {
	tiles := container.NewHBox()
	for i, m := range s.approvers {
		label := m.Name // the role too when the name is not the role's
		if role := RoleName(m.Role); role != m.Name {
			label += " · " + role
		}
		b := widget.NewButton(label, func() { s.pick(i) })
		s.Tiles = append(s.Tiles, b)
		tiles.Add(b)
	}
	s.PIN = widget.NewPasswordEntry()
	s.PIN.SetPlaceHolder(kit.T("Approver's PIN"))
	s.PIN.OnSubmitted = func(string) { s.onPIN() }
	s.ApprovePIN = widget.NewButton(kit.T("Approve"), s.onPIN)
	s.ApprovePIN.Importance = widget.HighImportance
	if len(s.approvers) == 1 {
		s.pick(0)
	}
	return container.NewVBox(widget.NewLabel(kit.T("Approver on this till: tap your name, type your PIN.")),
		tiles, container.NewBorder(nil, nil, nil, s.ApprovePIN, s.PIN))
}

// awayPart is "manager not here": the challenge and the typed answer.
func (s *Sheet) awayPart() fyne.CanvasObject {
	s.Challenge = widget.NewLabel(s.challenge[:4] + " " + s.challenge[4:])
	s.Challenge.TextStyle = fyne.TextStyle{Bold: true}
	names := make([]string, len(s.remote))
	for i, m := range s.remote {
		names[i] = m.Name
	}
	s.Remote = widget.NewSelect(names, nil)
	s.Remote.PlaceHolder = kit.T("Who answers")
	if len(names) == 1 {
		s.Remote.SetSelectedIndex(0)
	}
	s.Code = widget.NewEntry()
	s.Code.SetPlaceHolder(kit.T("6 digits from their authenticator"))
	s.Code.OnSubmitted = func(string) { s.onCode() }
	s.ApproveCode = widget.NewButton(kit.T("Approve"), s.onCode)
	s.ApproveCode.Importance = widget.HighImportance
	hint := widget.NewLabel(kit.T("Phone the manager: read out the action, the amount and this code; type the 6 digits their authenticator shows now."))
	hint.Wrapping = fyne.TextWrapWord
	s.away = container.NewVBox(hint, container.NewHBox(widget.NewLabel(kit.T("Challenge")), s.Challenge),
		s.Remote, container.NewBorder(nil, nil, nil, s.ApproveCode, s.Code))
	s.away.Hide()
	s.Away = widget.NewButton(kit.T("Manager not here"), func() { s.Away.Hide(); s.away.Show() })
	if len(s.remote) == 0 {
		s.Away.Disable() // nobody who may approve has an authenticator enrolled
	}
	return container.NewVBox(s.Away, s.away)
}

// pick selects approver tile i.
func (s *Sheet) pick(i int) {
	s.picked = i
	for j, b := range s.Tiles {
		b.Importance = widget.MediumImportance
		if j == i {
			b.Importance = widget.HighImportance
		}
		b.Refresh()
	}
}

// reason fills the request's reason and note, or says what is missing.
func (s *Sheet) reason() bool {
	note := strings.TrimSpace(s.Note.Text)
	i := s.Reason.SelectedIndex()
	switch {
	case i < 0:
		s.Msg.SetText(kit.T("Choose a reason first."))
		return false
	case i == len(Reasons)-1 && note == "":
		s.Msg.SetText(kit.T("Write what the reason is in the note."))
		return false
	}
	s.req.Reason, s.req.Note = Reasons[i], note
	return true
}

// onPIN approves with the picked approver's PIN on this till.
func (s *Sheet) onPIN() {
	if !s.reason() {
		return
	}
	if s.picked < 0 {
		s.Msg.SetText(kit.T("Tap the approver's name first."))
		return
	}
	pin := s.PIN.Text
	s.PIN.SetText("")
	who, err := s.gate.Deps.Staff.CheckPIN(context.Background(), s.approvers[s.picked].ID, pin)
	if err != nil {
		s.problem(err)
		return
	}
	s.approve(who, pos.MethodPIN, 0)
}

// onCode approves with the code the approver's authenticator shows.
func (s *Sheet) onCode() {
	if !s.reason() {
		return
	}
	i := s.Remote.SelectedIndex()
	if i < 0 {
		s.Msg.SetText(kit.T("Choose who answers first."))
		return
	}
	who := s.remote[i]
	code := s.Code.Text
	s.Code.SetText("")
	secret, err := s.gate.Deps.Staff.TOTPSecret(context.Background(), who.ID)
	if err != nil {
		s.problem(err)
		return
	}
	step, err := pos.VerifyTOTP(secret, code, s.gate.Deps.Now())
	if err != nil {
		s.problem(err)
		return
	}
	s.approve(who, pos.MethodTOTP, step)
}

// approve records approver's approval and hands it on.
func (s *Sheet) approve(approver pos.Staff, method string, step int64) {
	a, err := pos.NewApproval(s.perms, s.req, approver, method, s.gate.Deps.Now())
	if err != nil {
		s.problem(err)
		return
	}
	a.ID, a.Till = s.gate.Deps.NewID(), s.gate.till()
	if method == pos.MethodTOTP {
		a.TOTPStep, a.Challenge = step, s.challenge
	}
	if err := s.gate.Deps.Store.RecordApproval(context.Background(), a); err != nil {
		s.problem(err)
		return
	}
	s.dlg.Hide()
	if s.gate.Sheet == s {
		s.gate.Sheet = nil
	}
	s.done(a, s.req)
}

func (s *Sheet) problem(err error) {
	if s.gate.Deps.Log != nil {
		s.gate.Deps.Log.Warn("approval", "err", err)
	}
	s.Msg.SetText(Message(err, s.gate.zone()))
}

func (s *Sheet) close() {
	s.dlg.Hide()
	if s.gate.Sheet == s {
		s.gate.Sheet = nil
	}
	if s.cancelled != nil {
		s.cancelled()
	}
}

// Request is the request the sheet asks approval for.
func (s *Sheet) Request() pos.ApprovalRequest { return s.req }

// ChallengeCode is the challenge the sheet shows, without the space.
func (s *Sheet) ChallengeCode() string { return s.challenge }
