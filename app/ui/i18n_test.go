package ui

import (
	"testing"

	fynelang "fyne.io/fyne/v2/lang"
)

// Fyne's own dialog buttons speak the till's language.
func TestFyneDialogsFollowLanguage(t *testing.T) {
	t.Cleanup(func() { SetLanguage("zh") })
	SetLanguage("zh")
	if got := fynelang.L("Cancel"); got != "取消" {
		t.Errorf("zh: Cancel = %q, want 取消", got)
	}
	SetLanguage("en")
	if got := fynelang.L("Cancel"); got != "Cancel" {
		t.Errorf("en: Cancel = %q", got)
	}
}
