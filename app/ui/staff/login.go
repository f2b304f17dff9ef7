package staff

import (
	"context"
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
	l.tiles = container.NewGridWrap(fyne.NewSize(150, 64))
	l.pad = newPINPad(l.submit)
	bottom := container.NewVBox(l.msg)
	if d.ReadBadge != nil {
		bottom.Add(widget.NewButton(T("Tap your badge on the reader"), l.waitBadge))
	}
	bottom.Add(widget.NewButton(T("Forgot the owner PIN?"), l.recover))
	if hint := demoHint(d.DemoPINs); hint != "" {
		demo := widget.NewLabel(hint)
		demo.Importance = widget.WarningImportance
		demo.Wrapping = fyne.TextWrapWord
		bottom.Add(demo)
	}
	pad := container.NewGridWrap(fyne.NewSize(300, 330), l.pad.content)
	l.content = container.NewBorder(container.NewVBox(l.title, widget.NewLabel(T("Choose your name, then type your 6-digit PIN"))),
		bottom, nil, nil, container.NewVBox(container.NewVScroll(l.tiles), container.NewCenter(pad)))
	return l
}

// demoHint lists the demo PINs by name.
func demoHint(pins map[string]string) string {
	if len(pins) == 0 {
		return ""
	}
	names := make([]string, 0, len(pins))
	for n := range pins {
		names = append(names, n)
	}
	sort.Strings(names)
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
		b := widget.NewButton(s.Name+"\n"+RoleName(s.Role), func() { l.choose(i) })
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

// TypedKey takes the keyboard: digits, ⌫, Esc, ←/→ between the tiles.
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
