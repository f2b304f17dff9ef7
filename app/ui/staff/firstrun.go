package staff

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
)

// FirstRun is the first screen of a new data directory: the owner sets a
// PIN (twice), then gets the recovery code, shown once and printed, which
// resets the owner's PIN when it is forgotten.
type FirstRun struct {
	d          Deps
	onDone     func(owner pos.Staff)
	pin, again *widget.Entry
	msg        *widget.Label
	box        *fyne.Container
	owner      pos.Staff
	code       string
}

// NewFirstRun builds the screen; onDone runs when the owner has a PIN and
// has seen the recovery code.
func NewFirstRun(d Deps, onDone func(owner pos.Staff)) *FirstRun {
	f := &FirstRun{d: d, onDone: onDone, pin: widget.NewPasswordEntry(), again: widget.NewPasswordEntry(),
		msg: widget.NewLabel("")}
	f.msg.Wrapping = fyne.TextWrapWord
	f.msg.Importance = widget.DangerImportance
	title := widget.NewLabel(T("Welcome to Zhanggui. First, the owner sets a 6-digit PIN"))
	title.TextStyle.Bold = true
	form := widget.NewForm(widget.NewFormItem(T("Owner PIN"), f.pin), widget.NewFormItem(T("PIN again"), f.again))
	f.again.OnSubmitted = func(string) { f.SetPIN() }
	f.box = container.NewVBox(title, form, widget.NewButton(T("Set the owner PIN"), f.SetPIN), f.msg)
	return f
}

// Content is the screen.
func (f *FirstRun) Content() fyne.CanvasObject { return container.NewCenter(f.box) }

// Enter types the PIN into both fields (tests and the keyboard).
func (f *FirstRun) Enter(pin, again string) { f.pin.SetText(pin); f.again.SetText(again) }

// Message is what the screen says now.
func (f *FirstRun) Message() string { return f.msg.Text }

// Code is the recovery code once made ("" before).
func (f *FirstRun) Code() string { return f.code }

// SetPIN sets the owner's PIN and shows the recovery code.
func (f *FirstRun) SetPIN() {
	if f.pin.Text != f.again.Text {
		f.msg.SetText(T("The two PINs differ"))
		return
	}
	ctx := context.Background()
	owner, err := f.d.Service.SetFirstOwnerPIN(ctx, f.pin.Text)
	if err != nil {
		f.msg.SetText(Message(err, f.d.now()))
		return
	}
	f.pin.SetText("")
	f.again.SetText("")
	f.owner = owner
	code, err := f.d.Service.NewRecoveryCode(ctx, owner)
	if err != nil {
		f.msg.SetText(Message(err, f.d.now()))
		f.onDone(owner) // the PIN is set; a code can be made later under Staff
		return
	}
	f.code = code
	f.showCode()
}

func (f *FirstRun) showCode() {
	codeText := widget.NewLabel(f.code)
	codeText.TextStyle = fyne.TextStyle{Bold: true, Monospace: true}
	status := widget.NewLabel("")
	f.box.RemoveAll()
	f.box.Add(widget.NewLabel(T("The owner recovery code. It is shown only now: print it or write it down and keep it apart from the till. It resets the owner PIN.")))
	f.box.Add(codeText)
	if f.d.Print != nil {
		f.box.Add(widget.NewButton(T("Print the recovery code"), func() {
			status.SetText(T("Printed"))
			if err := f.d.Print(T("Owner recovery code"), recoveryLines(f.code)); err != nil {
				status.SetText(T("Not printed: ") + err.Error())
			}
		}))
	}
	f.box.Add(widget.NewButton(T("I have kept the code: start"), f.Done))
	f.box.Add(status)
	f.box.Refresh()
}

// Done leaves the first run, logged in as the owner.
func (f *FirstRun) Done() {
	f.code = ""
	f.onDone(f.owner)
}

func recoveryLines(code string) []string {
	return []string{code, T("Keep this slip apart from the till."), T("It resets the owner PIN once.")}
}
