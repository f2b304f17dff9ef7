package ui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// smallWindow is the window of the smallest counter screen.
var smallWindow = fyne.NewSize(1280, 720)

// windowMode is a language and font size every screen must fit in.
type windowMode struct {
	lang  string
	large bool
}

// inEachMode opens a fixture in each language, with and without large
// font: prepare (nil: none) sets its deps up before the mode's settings
// are applied, then check looks at it.
func inEachMode(t *testing.T, prepare func(*fixture), check func(*fixture, windowMode)) {
	t.Helper()
	defer SetLanguage("zh")
	for _, mode := range []windowMode{{"zh", false}, {"zh", true}, {"en", false}, {"en", true}} {
		f := newFixture(t)
		if prepare != nil {
			prepare(f)
		}
		st := f.app.settings
		st.Language, st.LargeFont = mode.lang, mode.large
		if err := f.app.applySettings(st); err != nil {
			t.Fatal(err)
		}
		check(f, mode)
	}
}

// TestScreensFitSmallWindow: every screen, in both languages and in
// large-font mode, fits the 1280×720 window of the smallest counter screen,
// so nothing is cut off at the right or the bottom and the window never
// grows past the screen.
func TestScreensFitSmallWindow(t *testing.T) {
	small := smallWindow
	inEachMode(t, func(f *fixture) {
		f.app.deps.Reports = dbReports{f.db}
		f.app.deps.Accounting = testAccounting(f.db, nil, time.Now)
		f.app.deps.Sync = SyncDeps{Status: func(context.Context) (SyncStatus, error) { return SyncStatus{}, nil }}
		f.app.deps.Channels = ChannelDeps{Store: newVault(t, f.db)}
	}, func(f *fixture, mode windowMode) {
		f.app.build() // with the screens the deps above add
		if n := len(f.app.tabs.Items); n != 10 {
			t.Fatalf("%d screens built, want all 10 (the staff tab included)", n)
		}
		for _, it := range f.app.tabs.Items {
			f.app.tabs.Select(it)
			f.win.Canvas().Content().Refresh() // lay out as shown, wrapped rows included
			// The banner and the tab bar take their share of the window.
			chrome := f.app.banner.MinSize().Height + 2*theme.Padding() + 50
			if m := it.Content.MinSize(); m.Width > small.Width-2*theme.Padding() || m.Height > small.Height-chrome {
				t.Errorf("%s, large font %v: %s needs %.0f×%.0f, more than a %.0f×%.0f window has",
					mode.lang, mode.large, it.Text, m.Width, m.Height, small.Width, small.Height)
			}
		}
		if got := f.win.Canvas().Size(); got.Width > small.Width || got.Height > small.Height {
			t.Errorf("%s, large font %v: the window grew to %.0f×%.0f", mode.lang, mode.large, got.Width, got.Height)
		}
	})
}

// TestCheckoutFitsSmallWindow: in a 1280×720 window, in both languages and
// large font, the checkout's right panel shows all its keys without
// scrolling and the scan field shows its whole placeholder.
func TestCheckoutFitsSmallWindow(t *testing.T) {
	small := smallWindow
	inEachMode(t, nil, func(f *fixture, mode windowMode) {
		f.app.build()
		f.win.Resize(small)
		f.app.tabs.SelectIndex(0)
		f.win.Canvas().Content().Refresh()
		s := f.app.checkout
		panel := s.content.(*container.Split).Trailing.(*container.Scroll)
		if need, has := panel.Content.MinSize().Height, panel.Size().Height; need > has {
			t.Errorf("%s, large font %v: the checkout's right panel needs %.0f high, has %.0f: it scrolls",
				mode.lang, mode.large, need, has)
		}
		s.change.Text = T("Change") + " ¥100.00" // after a cash sale
		s.lastInfo.SetText(Tf("Order %s · paid %s", "0101-20261125-0001", "¥100.00"))
		f.win.Canvas().Content().Refresh()
		if need, has := panel.Content.MinSize().Height, panel.Size().Height; need > has {
			t.Errorf("%s, large font %v: after a sale the checkout's right panel needs %.0f high, has %.0f",
				mode.lang, mode.large, need, has)
		}
		text := fyne.MeasureText(s.scan.PlaceHolder, theme.TextSize(), fyne.TextStyle{}).Width
		if room := s.scan.Size().Width - 2*theme.InnerPadding(); text > room {
			t.Errorf("%s, large font %v: the scan field's placeholder is %.0f wide, the field shows %.0f",
				mode.lang, mode.large, text, room)
		}
	})
}
