package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// columns lays objects out in one row with fixed fractions of the width,
// so the cart's columns line up from row to row.
type columns []float32

func (c columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x := float32(0)
	for i, o := range objs {
		w := size.Width * c[i%len(c)]
		o.Resize(fyne.NewSize(w, o.MinSize().Height))
		o.Move(fyne.NewPos(x, (size.Height-o.MinSize().Height)/2))
		x += w
	}
}

func (c columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(100, h)
}

// row makes a row of labels with the given alignments laid out by cols.
func row(cols columns, aligns []fyne.TextAlign) (*fyne.Container, []*widget.Label) {
	labels := make([]*widget.Label, len(cols))
	objs := make([]fyne.CanvasObject, len(cols))
	for i := range cols {
		labels[i] = widget.NewLabel("")
		labels[i].Alignment = aligns[i]
		labels[i].Truncation = fyne.TextTruncateEllipsis
		objs[i] = labels[i]
	}
	return container.New(cols, objs...), labels
}

// bigText is a large, bold line of text (totals, change).
func bigText(size float32) *canvas.Text {
	t := canvas.NewText("", nil)
	t.TextSize = size
	t.TextStyle = fyne.TextStyle{Bold: true}
	t.Alignment = fyne.TextAlignTrailing
	return t
}

// keyButton is a button that shows the key doing the same thing.
func keyButton(key, label string, tapped func()) *widget.Button {
	text := T(label)
	if key != "" {
		text = key + "  " + text
	}
	return widget.NewButton(text, tapped)
}

// noteLabel is a label that takes no room while it has nothing to say, so an
// empty message leaves no band on the screen.
type noteLabel struct {
	widget.Label
	// relayout lays out the container holding the label again: Fyne's
	// driver notices a label shown, but not one hidden.
	relayout func()
}

func newNoteLabel() *noteLabel {
	l := &noteLabel{}
	l.ExtendBaseWidget(l)
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return l
}

// SetText shows text, and hides the label when text is empty.
func (l *noteLabel) SetText(text string) {
	shown := l.Visible()
	if text == "" {
		l.Hide()
	} else {
		l.Show()
	}
	l.Label.SetText(text)
	if l.relayout != nil && shown != l.Visible() {
		l.relayout()
	}
}

// searchLayout stacks the scan field (objs[0]), the search results
// (objs[1]) and the cart (objs[2]). While the cashier searches, the results
// take the height they need, leaving the cart at least keep; the rest of the
// room is the cart's. Hidden results take none.
type searchLayout struct {
	need, keep func() float32
}

func (l *searchLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	top, results, cart := objs[0], objs[1], objs[2]
	y := top.MinSize().Height
	top.Move(fyne.NewPos(0, 0))
	top.Resize(fyne.NewSize(size.Width, y))
	y += pad
	if results.Visible() {
		h := min(l.need(), max(0, size.Height-y-pad-l.keep()))
		results.Move(fyne.NewPos(0, y))
		results.Resize(fyne.NewSize(size.Width, h))
		y += h + pad
	}
	cart.Move(fyne.NewPos(0, y))
	cart.Resize(fyne.NewSize(size.Width, max(0, size.Height-y)))
}

func (l *searchLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w, h := float32(0), float32(0)
	for _, o := range []fyne.CanvasObject{objs[0], objs[2]} {
		m := o.MinSize()
		w, h = max(w, m.Width), h+m.Height
	}
	return fyne.NewSize(w, h+theme.Padding())
}

// listHeight is the height a widget.List of n rows made by template needs
// to show every row: each row and the padding the list puts between rows.
func listHeight(template fyne.CanvasObject, n int) float32 {
	if n <= 0 {
		return 0
	}
	pad := theme.Padding()
	return float32(n)*(template.MinSize().Height+pad) - pad
}

// fitWidth gives o the width sample needs (a date, say) in the current text
// size, at o's own height: a fixed size clips it in large-font mode.
func fitWidth(sample string, o fyne.CanvasObject) *fyne.Container {
	return container.New(fitWidthLayout(sample), o)
}

type fitWidthLayout string

func (l fitWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m := objs[0].MinSize()
	w := fyne.MeasureText(string(l), theme.TextSize(), fyne.TextStyle{}).Width + 4*theme.InnerPadding()
	return fyne.NewSize(max(m.Width, w), m.Height)
}

func (l fitWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(size)
}

// wrapCaptions makes a table's column captions of several words wrap onto
// a second line instead of ending in "…" where a column is narrow (English,
// large font). A single word keeps its "…": Fyne would break it anywhere.
// Call it after setting the captions' text.
func wrapCaptions(labels ...*widget.Label) {
	for _, l := range labels {
		if strings.Contains(strings.TrimSpace(l.Text), " ") {
			l.Truncation = fyne.TextTruncateOff
			l.Wrapping = fyne.TextWrapWord
		}
	}
}

// splitRow puts objs[0] at the left and objs[1] at the right of one row
// when both fit, and one under the other when not, so a toolbar never
// makes the window wider than the screen (English, large font).
type splitRow struct{ width float32 } // the width of the last layout

func (l *splitRow) oneRow(objs []fyne.CanvasObject, width float32) bool {
	return objs[0].MinSize().Width+theme.Padding()+objs[1].MinSize().Width <= width
}

func (l *splitRow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.width = size.Width
	a, b := objs[0].MinSize(), objs[1].MinSize()
	if l.oneRow(objs, size.Width) {
		h := max(a.Height, b.Height)
		objs[0].Move(fyne.NewPos(0, (h-a.Height)/2))
		objs[0].Resize(a)
		objs[1].Move(fyne.NewPos(size.Width-b.Width, (h-b.Height)/2))
		objs[1].Resize(b)
		return
	}
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(min(a.Width, size.Width), a.Height))
	objs[1].Move(fyne.NewPos(0, a.Height+theme.Padding()))
	objs[1].Resize(fyne.NewSize(min(b.Width, size.Width), b.Height))
}

func (l *splitRow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	if l.width == 0 || l.oneRow(objs, l.width) {
		return fyne.NewSize(max(a.Width, b.Width), max(a.Height, b.Height))
	}
	return fyne.NewSize(max(a.Width, b.Width), a.Height+theme.Padding()+b.Height)
}

// shrinkTop puts top over rest, giving top the height it needs, or less,
// scrolling, when rest would not fit: a tall summary must not make the
// window taller than the screen (English in large-font mode at 720 pixels).
func shrinkTop(top, rest fyne.CanvasObject) *fyne.Container {
	return container.New(shrinkTopLayout{top}, container.NewVScroll(top), rest)
}

type shrinkTopLayout struct{ top fyne.CanvasObject }

func (l shrinkTopLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	pad := theme.Padding()
	h := min(l.top.MinSize().Height, max(objs[0].MinSize().Height, size.Height-pad-objs[1].MinSize().Height))
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(size.Width, h))
	objs[1].Move(fyne.NewPos(0, h+pad))
	objs[1].Resize(fyne.NewSize(size.Width, max(0, size.Height-h-pad)))
}

func (l shrinkTopLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(max(a.Width, b.Width, l.top.MinSize().Width), a.Height+theme.Padding()+b.Height)
}
