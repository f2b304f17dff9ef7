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

	// A field other than the scan field watches for barcode-gun bursts:
	// a code scanned while it has the focus goes to onScanned, not into it.
	wedge     *wedge.Detector
	onScanned func(code string)
}

// watchScanner makes e hand scanned codes to onScanned.
func (e *keyEntry) watchScanner(onScanned func(code string)) {
	e.wedge, e.onScanned = wedge.New(wedge.Options{}), onScanned
}

// TypedShortcut takes Ctrl+1…9 (switch screens) before the entry sees them.
func (e *keyEntry) TypedShortcut(s fyne.Shortcut) {
	if cs, ok := s.(*desktop.CustomShortcut); ok && e.onTab != nil && cs.Modifier == fyne.KeyModifierControl {
		if i, ok := tabKeys[cs.KeyName]; ok {
			e.onTab(i)
			return
		}
	}
	e.Entry.TypedShortcut(s)
}

var tabKeys = map[fyne.KeyName]int{fyne.Key1: 0, fyne.Key2: 1, fyne.Key3: 2, fyne.Key4: 3, fyne.Key5: 4, fyne.Key6: 5,
	fyne.Key7: 6, fyne.Key8: 7, fyne.Key9: 8}

func newKeyEntry() *keyEntry {
	e := &keyEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey gives the screen the first look at every key.
func (e *keyEntry) TypedKey(k *fyne.KeyEvent) {
	if e.wedge != nil && (k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter) {
		if code, ok := e.wedge.End(wedge.SuffixEnter, time.Now()); ok {
			e.SetText(strings.TrimSuffix(e.Text, code)) // the burst was never meant for this field
			e.onScanned(code)
			return
		}
	}
	if e.onKey != nil && e.onKey(k.Name) {
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
