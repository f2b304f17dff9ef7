package staff

import (
	"context"
	"slices"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	"zhanggui/pos"
)

// Admin is the staff admin screen: the list of staff and a form to add or
// edit one (name, role, active, badge, PIN), reset a lockout, enrol an
// authenticator (its QR code shown) and print a new owner recovery code;
// and the permission table editor beside it.
type Admin struct {
	d   Deps
	win fyne.Window
	who func() pos.Staff

	staff  []pos.Staff
	list   *widget.List
	cur    pos.Staff // the member in the form; ID 0: a new one
	name   *widget.Entry
	role   *widget.Select
	active *widget.Check
	badge  *widget.Entry
	pin    *widget.Entry
	msg    *widget.Label
	perms  *PermissionEditor
	tabs   *container.AppTabs
}

// NewAdmin builds the screen; who is the member logged in, on whose
// behalf every change is made (the service checks they may).
func NewAdmin(d Deps, win fyne.Window, who func() pos.Staff) *Admin {
	a := &Admin{d: d, win: win, who: who, name: widget.NewEntry(), badge: widget.NewEntry(),
		pin: widget.NewPasswordEntry(), active: widget.NewCheck(T("Active"), nil), msg: widget.NewLabel("")}
	a.msg.Wrapping = fyne.TextWrapWord
	names := make([]string, len(pos.Roles))
	for i, r := range pos.Roles {
		names[i] = RoleName(r)
	}
	a.role = widget.NewSelect(names, nil)
	a.pin.SetPlaceHolder(T("6 digits; empty keeps the PIN"))
	a.badge.SetPlaceHolder(T("card UID, or read it from the reader"))
	a.list = widget.NewList(func() int { return len(a.staff) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(a.line(a.staff[i])) })
	a.list.OnSelected = func(i widget.ListItemID) { a.Edit(a.staff[i]) }
	a.perms = NewPermissionEditor(d, who)
	a.tabs = container.NewAppTabs(
		container.NewTabItem(T("Staff"), container.NewHSplit(a.list, container.NewScroll(a.form()))),
		container.NewTabItem(T("Permission table"), a.perms.Content()))
	return a
}

func (a *Admin) line(s pos.Staff) string {
	out := s.Name // the role too when the name is not the role's
	if role := RoleName(s.Role); role != s.Name {
		out += " · " + role
	}
	if !s.Active {
		out += " · " + T("deactivated")
	}
	if s.Badge != "" {
		out += " · " + T("badge")
	}
	if s.TOTP {
		out += " · " + T("authenticator")
	}
	return out
}

func (a *Admin) form() fyne.CanvasObject {
	badgeRow := a.badge
	var badge fyne.CanvasObject = badgeRow
	if a.d.ReadBadge != nil {
		badge = container.NewBorder(nil, nil, nil, widget.NewButton(T("Read badge"), a.readBadge), badgeRow)
	}
	form := widget.NewForm(widget.NewFormItem(T("Staff name"), a.name), widget.NewFormItem(T("Role"), a.role),
		widget.NewFormItem("", a.active), widget.NewFormItem(T("Badge"), badge), widget.NewFormItem(T("PIN"), a.pin))
	buttons := container.NewGridWithColumns(2,
		widget.NewButton(T("New staff member"), func() { a.Edit(pos.Staff{Role: pos.RoleCashier, Active: true}) }),
		widget.NewButtonWithIcon(T("Save"), nil, a.Save),
		widget.NewButton(T("Unlock (reset lockout)"), a.resetLockout),
		widget.NewButton(T("Enrol authenticator (TOTP)"), a.enrolTOTP),
		widget.NewButton(T("New owner recovery code"), a.newRecoveryCode))
	return container.NewVBox(form, buttons, a.msg)
}

// Content is the screen.
func (a *Admin) Content() fyne.CanvasObject { return a.tabs }

// Reload reads the staff list and the permission table again.
func (a *Admin) Reload() {
	all, err := a.d.Service.Staff(context.Background())
	if err != nil {
		a.msg.SetText(Message(err, a.d.now()))
	}
	sort.SliceStable(all, func(i, j int) bool { // as the login's tiles: the owner first, then by role
		return slices.Index(pos.Roles, all[i].Role) < slices.Index(pos.Roles, all[j].Role)
	})
	a.staff = all
	a.list.UnselectAll()
	a.list.Refresh()
	a.perms.Reload()
	if a.cur.ID == 0 && a.cur.Name == "" {
		a.Edit(pos.Staff{Role: pos.RoleCashier, Active: true})
	}
}

// Staff is the list shown.
func (a *Admin) Staff() []pos.Staff { return a.staff }

// Edit puts s in the form.
func (a *Admin) Edit(s pos.Staff) {
	a.cur = s
	a.name.SetText(s.Name)
	a.role.SetSelected(RoleName(s.Role))
	a.active.SetChecked(s.Active)
	a.badge.SetText(s.Badge)
	a.pin.SetText("")
	a.msg.SetText("")
}

// Fill sets the form's fields as a person would type them.
func (a *Admin) Fill(name string, role pos.Role, pin string) {
	a.name.SetText(name)
	a.role.SetSelected(RoleName(role))
	a.pin.SetText(pin)
}

// Message is what the form says now.
func (a *Admin) Message() string { return a.msg.Text }

func (a *Admin) selectedRole() pos.Role {
	for _, r := range pos.Roles {
		if RoleName(r) == a.role.Selected {
			return r
		}
	}
	return ""
}

// Save adds or edits the member in the form.
func (a *Admin) Save() {
	s := a.cur
	s.Name, s.Role, s.Active, s.Badge = a.name.Text, a.selectedRole(), a.active.Checked, a.badge.Text
	saved, err := a.d.Service.SaveStaff(context.Background(), a.who(), s, a.pin.Text)
	if err != nil {
		a.msg.SetText(Message(err, a.d.now()))
		return
	}
	a.Reload()
	a.Edit(saved)
	a.msg.SetText(Tf("Saved: %s", saved.Name))
}

func (a *Admin) resetLockout() {
	if a.cur.ID == 0 {
		return
	}
	if err := a.d.Service.ResetLockout(context.Background(), a.who(), a.cur.ID); err != nil {
		a.msg.SetText(Message(err, a.d.now()))
		return
	}
	a.msg.SetText(Tf("%s may try a PIN again", a.cur.Name))
}

func (a *Admin) readBadge() {
	a.msg.SetText(T("Waiting for a badge…"))
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		uid, err := a.d.ReadBadge(ctx)
		fyne.Do(func() {
			if err != nil {
				a.msg.SetText(T("No badge read: ") + err.Error())
				return
			}
			a.badge.SetText(uid)
			a.msg.SetText(T("Badge read: save to keep it"))
		})
	}()
}

// enrolTOTP makes the member a new authenticator secret and shows its QR
// code for their phone.
func (a *Admin) enrolTOTP() {
	if a.cur.ID == 0 {
		a.msg.SetText(T("Save the staff member first"))
		return
	}
	uri, err := a.d.Service.EnrolTOTP(context.Background(), a.who(), a.cur.ID)
	if err != nil {
		a.msg.SetText(Message(err, a.d.now()))
		return
	}
	png, err := qrcode.Encode(uri, qrcode.Medium, 320)
	if err != nil {
		a.msg.SetText(Message(err, a.d.now()))
		return
	}
	img := canvas.NewImageFromResource(fyne.NewStaticResource("totp.png", png))
	img.FillMode = canvas.ImageFillOriginal
	note := widget.NewLabel(Tf("%s: scan this with an authenticator app. It is shown only now.", a.cur.Name))
	note.Wrapping = fyne.TextWrapWord
	dialog.ShowCustom(T("Enrol authenticator"), T("Done"), container.NewVBox(img, note), a.win)
	a.Reload()
}

func (a *Admin) newRecoveryCode() {
	code, err := a.d.Service.NewRecoveryCode(context.Background(), a.who())
	if err != nil {
		a.msg.SetText(Message(err, a.d.now()))
		return
	}
	if a.d.Print != nil {
		if err := a.d.Print(T("Owner recovery code"), recoveryLines(code)); err != nil {
			a.msg.SetText(T("Not printed: ") + err.Error())
		}
	}
	text := widget.NewLabel(code)
	text.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
	dialog.ShowCustom(T("Owner recovery code"), T("Done"), container.NewVBox(
		widget.NewLabel(T("The earlier code no longer works. Keep this one apart from the till.")), text), a.win)
}
