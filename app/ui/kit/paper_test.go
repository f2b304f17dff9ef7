package kit

import (
	"testing"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// A Chinese character takes two columns on screen, as on paper, so text
// after it lines up with the rows below.
func TestPaperKeepsPrinterColumns(t *testing.T) {
	test.NewTempApp(t)
	p := NewPaper("国ab1\nxyzw1\n")
	r := test.WidgetRenderer(p)
	cw, _, _, _ := paperCell()
	at := map[string]float32{}
	for _, o := range r.Objects() {
		at[o.(*canvas.Text).Text] = o.Position().X - theme.InnerPadding()
	}
	if len(at) != 3 {
		t.Fatalf("objects %v, want 国, ab1 and xyzw1", at)
	}
	if at["ab1"] != 2*cw || at["xyzw1"] != 0 {
		t.Errorf("ab1 at %v, xyzw1 at %v; want %v and 0", at["ab1"], at["xyzw1"], 2*cw)
	}
	if w := r.MinSize().Width; w < 5*cw {
		t.Errorf("min width %v is less than five columns (%v)", w, 5*cw)
	}
	p.SetText("")
	if n := len(r.Objects()); n != 0 {
		t.Errorf("%d objects after clearing", n)
	}
}
