package ui

import "testing"

// Locking the till (Ctrl+L) never grows the window: the login screen fits
// a 1280×720 window in both languages and large font, and it sits in a
// scroll, so a taller one (the real window's font metrics made it 868 high
// at 1280×720) scrolls instead of asking the window for more.
func TestLoginFitsSmallWindow(t *testing.T) {
	small := smallWindow
	inEachMode(t, nil, func(f *fixture, mode windowMode) {
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
	})
}
