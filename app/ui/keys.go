package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"zhanggui/hardware/wedge"
)

// keyEntry is an entry that hands the counter's function keys to the screen
// instead of swallowing them while it has the focus.
type keyEntry struct {
	widget.Entry
	onKey  func(fyne.KeyName) bool // true: handled
	onRune func(rune) bool         // for +/- on an empty entry
	onTab  func(int)               // Ctrl+1…9 switch screens
	onLock func()                  // Ctrl+L locks the till
	onCtrl map[fyne.KeyName]func() // the screen's own Ctrl+letter keys (Ctrl+P: change price)

	// A field other than the scan field watches for barcode-gun bursts:
	// a code scanned while it has the focus goes to onScanned, not into it.
	wedge     *wedge.Detector
	onScanned func(code string)
	// scanTab: the barcode gun ends a code with Tab, not Enter (settings);
	// Tab then ends a scan here instead of moving the focus.
	scanTab bool
}

// watchScanner makes e hand scanned codes to onScanned, telling the gun
// from typing as opts say (App.wedgeOptions: the shop's settings).
func (e *keyEntry) watchScanner(opts wedge.Options, onScanned func(code string)) {
	e.wedge, e.onScanned, e.scanTab = wedge.New(opts), onScanned, opts.Suffix == wedge.SuffixTab
}

// AcceptsTab keeps Tab in the field when the gun ends codes with it.
func (e *keyEntry) AcceptsTab() bool { return e.scanTab }

// wedgeOptions are the barcode gun's settings.
func (a *App) wedgeOptions() wedge.Options {
	o := wedge.Options{MaxGap: time.Duration(a.settings.ScanGapMs) * time.Millisecond}
	if a.settings.ScanSuffix == "tab" {
		o.Suffix = wedge.SuffixTab
	}
	return o
}

// TypedShortcut takes Ctrl+1…9 (switch screens) before the entry sees them.
func (e *keyEntry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && e.onTab != nil && cs.Modifier == fyne.KeyModifierControl {
		if i, ok := tabKeys[cs.KeyName]; ok {
			e.onTab(i)
			return
		}
		if cs.KeyName == fyne.KeyL && e.onLock != nil {
			e.onLock()
			return
		}
	}
	if cs, ok := s.(*desktop.CustomShortcut); ok && cs.Modifier == fyne.KeyModifierControl {
		if f, ok := e.onCtrl[cs.KeyName]; ok {
			f()
			return
		}
	}
	e.Entry.TypedShortcut(s)
}

var tabKeys = map[fyne.KeyName]int{fyne.Key1: 0, fyne.Key2: 1, fyne.Key3: 2, fyne.Key4: 3, fyne.Key5: 4, fyne.Key6: 5,
	fyne.Key7: 6, fyne.Key8: 7, fyne.Key9: 8, fyne.Key0: 9}

func newKeyEntry() *keyEntry {
	e := &keyEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey gives the screen the first look at every key.
func (e *keyEntry) TypedKey(k *fyne.KeyEvent) {
	suffix := wedge.SuffixEnter
	if k.Name == fyne.KeyTab {
		suffix = wedge.SuffixTab
	}
	if e.wedge != nil && (k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter || k.Name == fyne.KeyTab && e.scanTab) {
		if code, ok := e.wedge.End(suffix, time.Now()); ok {
			e.SetText(strings.TrimSuffix(e.Text, code)) // the burst was never meant for this field
			e.onScanned(code)
			return
		}
	}
	if e.onKey != nil && e.onKey(k.Name) {
		return
	}
	if k.Name == fyne.KeyTab && e.scanTab { // the gun's suffix: submit, as Enter does
		if e.OnSubmitted != nil {
			e.OnSubmitted(e.Text)
		}
		return
	}
	e.Entry.TypedKey(k)
}

// TypedRune lets + and - step the selected line while nothing is typed.
func (e *keyEntry) TypedRune(r rune) {
	if e.wedge != nil {
		e.wedge.Rune(r, time.Now())
	}
	if e.Text == "" && e.onRune != nil && e.onRune(r) {
		return
	}
	e.Entry.TypedRune(r)
}
