package kit

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"zhanggui/hardware/printer"
)

// Paper shows text laid out the way the receipt printer prints it: on
// a grid of columns in which ASCII takes one column and a Chinese
// character two. A proportional font would break the printed alignment of
// names, quantities and amounts; a plain monospace font has no Chinese.
// So ASCII runs are drawn in the monospace font and each wide character
// centred in its two columns.
type Paper struct {
	widget.BaseWidget
	Text string
}

// NewPaper is a Paper showing text.
func NewPaper(text string) *Paper {
	p := &Paper{Text: text}
	p.ExtendBaseWidget(p)
	return p
}

// SetText shows new text.
func (p *Paper) SetText(s string) {
	p.Text = s
	p.Refresh()
}

func (p *Paper) CreateRenderer() fyne.WidgetRenderer {
	r := &paperRenderer{p: p}
	r.Refresh()
	return r
}

type paperRenderer struct {
	p    *Paper
	objs []fyne.CanvasObject
	min  fyne.Size
}

// paperCell is the width of one column and the height of one line at the
// theme's text size, and how far down each font's text box sits so that
// the two fonts share a line's middle.
func paperCell() (w, h, monoDown, wideDown float32) {
	size := theme.TextSize()
	mono := fyne.MeasureText("0", size, fyne.TextStyle{Monospace: true})
	wide := fyne.MeasureText("国", size, fyne.TextStyle{})
	h = max(mono.Height, wide.Height)
	return mono.Width, h, (h - mono.Height) / 2, (h - wide.Height) / 2
}

func (r *paperRenderer) Refresh() {
	cw, lh, monoDown, wideDown := paperCell()
	pad := theme.InnerPadding()
	col := theme.Color(theme.ColorNameForeground)
	size := theme.TextSize()
	r.objs = r.objs[:0]
	cols := 0
	lines := strings.Split(strings.TrimRight(r.p.Text, "\n"), "\n")
	for row, line := range lines {
		y := pad + float32(row)*lh
		c := 0
		var run strings.Builder
		runStart := 0
		flush := func() {
			if run.Len() == 0 {
				return
			}
			t := canvas.NewText(run.String(), col)
			t.TextStyle, t.TextSize = fyne.TextStyle{Monospace: true}, size
			t.Move(fyne.NewPos(pad+float32(runStart)*cw, y+monoDown))
			r.objs = append(r.objs, t)
			run.Reset()
		}
		for _, ch := range line {
			n := printer.RuneColumns(ch)
			if n == 1 {
				if run.Len() == 0 {
					runStart = c
				}
				run.WriteRune(ch)
				c++
				continue
			}
			flush()
			t := canvas.NewText(string(ch), col)
			t.TextSize = size
			w := fyne.MeasureText(string(ch), size, fyne.TextStyle{}).Width
			t.Move(fyne.NewPos(pad+float32(c)*cw+(float32(n)*cw-w)/2, y+wideDown))
			r.objs = append(r.objs, t)
			c += n
		}
		flush()
		cols = max(cols, c)
	}
	r.min = fyne.NewSize(2*pad+float32(cols)*cw, 2*pad+float32(len(lines))*lh)
	canvas.Refresh(r.p)
}

func (r *paperRenderer) Layout(fyne.Size)             {}
func (r *paperRenderer) MinSize() fyne.Size           { return r.min }
func (r *paperRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *paperRenderer) Destroy()                     {}
