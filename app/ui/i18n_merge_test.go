package ui

import (
	"testing"

	"zhanggui/app/ui/kit"
)

// Every screen's Chinese strings agree with the rest: a key translated
// twice differently would show one screen's words on another.
func TestTranslationMapsAgree(t *testing.T) {
	for name, m := range kit.Parts() {
		for en, zh := range m {
			if got := zhOf(en); got != zh {
				t.Errorf("%s: %q is %q there but %q in use", name, en, zh, got)
			}
		}
	}
}
