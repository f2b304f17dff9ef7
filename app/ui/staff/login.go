package staff

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
)

// Login is the login screen, which is also the lock screen and the
// switch screen: a tile per active member (tap, or ←/→), the PIN pad, a
// badge button when the till has an NFC reader, and in the demo shop the
// demo PINs.
type Login struct {
	d       Deps
	win     fyne.Window
	onLogin func(pos.Staff)

	staff   []pos.Staff // the active members shown
	sel     int
	tiles   *fyne.Container
	pad     *pinPad
	title   *widget.Label
	msg     *widget.Label
	demo    *widget.Label // the demo PINs, in the tiles' order; nil outside the demo
	content fyne.CanvasObject
}

// NewLogin builds the login screen; onLogin runs on the Fyne goroutine
// with whoever logged in.
func NewLogin(d Deps, win fyne.Window, onLogin func(pos.Staff)) *Login {
	l := &Login{d: d, win: win, onLogin: onLogin, msg: widget.NewLabel(""), title: widget.NewLabel("")}
	l.title.TextStyle.Bold = true
	l.title.Alignment = fyne.TextAlignCenter
	l.msg.Wrapping = fyne.TextWrapWord
	l.msg.Importance = widget.DangerImportance
	l.tiles = container.NewGridWrap(fyne.NewSize(160, 72))
	l.pad = newPINPad(l.submit)
	bottom := container.NewVBox(l.msg)
	if d.ReadBadge != nil {
		bottom.Add(widget.NewButton(T("Tap your badge on the reader"), l.waitBadge))
	}
	bottom.Add(widget.NewButton(T("Forgot the owner PIN?"), l.recover))
	if len(d.DemoPINs) > 0 {
		l.demo = widget.NewLabel(demoHint(d.DemoPINs, nil))
		l.demo.Importance = widget.WarningImportance
		l.demo.Wrapping = fyne.TextWrapWord
		bottom.Add(l.demo)
	}
	pad := container.NewGridWrap(fyne.NewSize(300, 330), l.pad.content)
	l.content = container.NewBorder(container.NewVBox(l.title, widget.NewLabel(T("Choose your name, then type your 6-digit PIN"))),
		bottom, nil, nil, container.NewVBox(l.tiles, container.NewCenter(pad)))
	return l
}

// demoHint lists the demo PINs by name.
func demoHint(pins map[string]string, staff []pos.Staff) string {
	if len(pins) == 0 {
		return ""
	}
	var names, rest []string
	for _, s := range staff { // the tiles' order
		if _, ok := pins[s.Name]; ok && !slices.Contains(names, s.Name) {
			names = append(names, s.Name)
		}
	}
	for n := range pins {
		if !slices.Contains(names, n) {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	names = append(names, rest...)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + " " + pins[n]
	}
	return T("Demo shop PINs: ") + strings.Join(parts, " · ")
}

// Content is the screen.
func (l *Login) Content() fyne.CanvasObject { return l.content }

// Show readies the screen: the staff list reloaded, the PIN cleared, the
// tile of prefer (the one who locked) selected. title says why it shows.
func (l *Login) Show(title string, prefer int64) {
	l.title.SetText(title)
	l.pad.clear()
	l.msg.SetText("")
	all, err := l.d.Service.Staff(context.Background())
	if err != nil {
		l.fail(err)
	}
	l.staff = l.staff[:0]
	for _, s := range all {
		if s.Active {
			l.staff = append(l.staff, s)
		}
	}
	sort.SliceStable(l.staff, func(i, j int) bool { // the owner first, then by role
		return slices.Index(pos.Roles, l.staff[i].Role) < slices.Index(pos.Roles, l.staff[j].Role)
	})
	if l.demo != nil {
		l.demo.SetText(demoHint(l.d.DemoPINs, l.staff))
	}
	l.sel = 0
	for i, s := range l.staff {
		if s.ID == prefer {
			l.sel = i
		}
	}
	l.drawTiles()
}

func (l *Login) drawTiles() {
	l.tiles.RemoveAll()
	for i, s := range l.staff {
		label := s.Name
		if role := RoleName(s.Role); role != s.Name {
			label += "\n" + role
		}
		b := widget.NewButton(label, func() { l.choose(i) })
		if i == l.sel {
			b.Importance = widget.HighImportance
		}
		l.tiles.Add(b)
	}
	l.tiles.Refresh()
}

func (l *Login) choose(i int) {
	if i >= 0 && i < len(l.staff) {
		l.sel = i
		l.pad.clear()
		l.drawTiles()
	}
}

// Selected is the member whose tile is selected (zero when none).
func (l *Login) Selected() pos.Staff {
	if l.sel < len(l.staff) {
		return l.staff[l.sel]
	}
	return pos.Staff{}
}

// Select picks the tile of member id.
func (l *Login) Select(id int64) {
	for i, s := range l.staff {
		if s.ID == id {
			l.choose(i)
		}
	}
}

// TypedKey takes the keyboard's keys: ⌫, Esc, ←/→ between the tiles
// (digits come through TypedRune).
func (l *Login) TypedKey(k fyne.KeyName) {
	switch k {
	case fyne.KeyLeft, fyne.KeyUp:
		l.choose(l.sel - 1)
	case fyne.KeyRight, fyne.KeyDown:
		l.choose(l.sel + 1)
	default:
		l.pad.typed(k)
	}
}

// TypedRune takes a typed digit.
func (l *Login) TypedRune(r rune) { l.pad.typedRune(r) }

// TypePIN types pin as the pad's buttons would.
func (l *Login) TypePIN(pin string) {
	for i := 0; i < len(pin); i++ {
		l.pad.digit(pin[i])
	}
}

// Message is what the screen tells the person now ("" when nothing).
func (l *Login) Message() string { return l.msg.Text }

func (l *Login) submit(pin string) {
	who := l.Selected()
	if who.ID == 0 {
		l.msg.SetText(T("Choose your name first"))
		return
	}
	s, err := l.d.Service.Login(context.Background(), who.ID, pin)
	if err != nil {
		l.fail(err)
		return
	}
	l.msg.SetText("")
	l.onLogin(s)
}

func (l *Login) fail(err error) {
	if l.d.Log != nil {
		l.d.Log.Info("staff login refused", "err", err) // the error never holds the PIN
	}
	l.msg.SetText(Message(err, l.d.now()))
}

// Badge logs in the owner of the badge with card UID uid.
func (l *Login) Badge(uid string) {
	s, err := l.d.Service.LoginBadge(context.Background(), uid)
	if err != nil {
		l.fail(err)
		return
	}
	l.onLogin(s)
}

func (l *Login) waitBadge() {
	l.msg.SetText(T("Waiting for a badge…"))
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		uid, err := l.d.ReadBadge(ctx)
		fyne.Do(func() {
			if err != nil {
				l.msg.SetText(T("No badge read: ") + err.Error())
				return
			}
			l.Badge(uid)
		})
	}()
}

// recover resets the owner's PIN with the printed recovery code.
func (l *Login) recover() {
	code, pin := widget.NewEntry(), widget.NewPasswordEntry()
	code.SetPlaceHolder("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
	items := []*widget.FormItem{widget.NewFormItem(T("Recovery code"), code), widget.NewFormItem(T("New owner PIN"), pin)}
	dialog.ShowForm(T("Reset the owner PIN"), T("Reset"), T("Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		owner, err := l.d.Service.ResetOwnerPIN(context.Background(), code.Text, pin.Text)
		if err != nil {
			l.fail(err)
			return
		}
		l.Show(l.title.Text, owner.ID)
		l.msg.SetText(T("Owner PIN reset: log in with it, then print a new recovery code under Staff"))
	}, l.win)
}
