package staff

import (
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
)

// pinPad collects a 6-digit PIN from its buttons or the keyboard, showing
// only dots. At the sixth digit it calls done.
type pinPad struct {
	digits  []byte
	dots    *widget.Label
	content fyne.CanvasObject
	done    func(pin string)
}

func newPINPad(done func(pin string)) *pinPad {
	p := &pinPad{dots: widget.NewLabel(mask(0)), done: done}
	p.dots.Alignment = fyne.TextAlignCenter
	p.dots.TextStyle.Monospace = true
	keys := container.NewGridWithColumns(3)
	for _, d := range "123456789" {
		keys.Add(p.digitButton(byte(d)))
	}
	keys.Add(widget.NewButton(T("Clear"), p.clear))
	keys.Add(p.digitButton('0'))
	keys.Add(widget.NewButton("⌫", p.backspace))
	p.content = container.NewVBox(p.dots, keys)
	return p
}

func (p *pinPad) digitButton(d byte) *widget.Button {
	return widget.NewButton(string(rune(d)), func() { p.digit(d) })
}

// digit adds one digit; the sixth submits.
func (p *pinPad) digit(d byte) {
	if d < '0' || d > '9' || len(p.digits) >= pos.PINLength {
		return
	}
	p.digits = append(p.digits, d)
	p.dots.SetText(mask(len(p.digits)))
	if len(p.digits) == pos.PINLength {
		pin := string(p.digits)
		p.clear()
		p.done(pin)
	}
}

func (p *pinPad) backspace() {
	if len(p.digits) > 0 {
		p.digits = p.digits[:len(p.digits)-1]
		p.dots.SetText(mask(len(p.digits)))
	}
}

func (p *pinPad) clear() {
	for i := range p.digits {
		p.digits[i] = 0
	}
	p.digits = p.digits[:0]
	p.dots.SetText(mask(0))
}

// typed takes a key from the keyboard; it reports whether it used it.
func (p *pinPad) typed(k fyne.KeyName) bool {
	switch k {
	case fyne.KeyBackspace:
		p.backspace()
	case fyne.KeyEscape:
		p.clear()
	default:
		if n, err := strconv.Atoi(string(k)); err == nil && len(k) == 1 {
			p.digit(byte('0' + n))
			return true
		}
		return false
	}
	return true
}
