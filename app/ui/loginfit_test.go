package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

// Locking the till (Ctrl+L) never grows the window: the login screen fits
// a 1280×720 window in both languages and large font, and it sits in a
// scroll, so a taller one (the real window's font metrics made it 868 high
// at 1280×720) scrolls instead of asking the window for more.
func TestLoginFitsSmallWindow(t *testing.T) {
	defer SetLanguage("zh")
	small := fyne.NewSize(1280, 720)
	for _, mode := range []struct {
		lang  string
		large bool
	}{{"zh", false}, {"zh", true}, {"en", false}, {"en", true}} {
		f := newFixture(t)
		st := f.app.settings
		st.Language, st.LargeFont = mode.lang, mode.large
		if err := f.app.applySettings(st); err != nil {
			t.Fatal(err)
		}
		f.win.Resize(small)
		f.app.LockNow()
		if !f.app.Locked() {
			t.Fatal("the till did not lock")
		}
		if m := f.app.login.Content().MinSize(); m.Width > small.Width || m.Height > small.Height {
			t.Errorf("%s, large font %v: the login screen needs %.0f×%.0f", mode.lang, mode.large, m.Width, m.Height)
		}
		if m := f.win.Canvas().Content().MinSize(); m.Height > small.Height/4 {
			t.Errorf("%s, large font %v: the locked window asks for %.0f high: the login is not in a scroll",
				mode.lang, mode.large, m.Height)
		}
	}
}
