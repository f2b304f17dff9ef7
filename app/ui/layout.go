package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
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
