package ui

import (
	"testing"
	"unicode"

	"golang.org/x/image/font/sfnt"

	"zhanggui/assets"
)

// TestFontCoversChinese checks that the bundled font has a glyph for every
// Chinese character the screens show, so no shop sees "�" where a word
// should be, whatever fonts its machine has.
func TestFontCoversChinese(t *testing.T) {
	f, err := sfnt.Parse(assets.FontCJK)
	if err != nil {
		t.Fatalf("bundled font: %v", err)
	}
	var buf sfnt.Buffer
	missing := map[rune]bool{}
	for _, zh := range zhCN {
		for _, r := range zh {
			if !unicode.Is(unicode.Han, r) {
				continue
			}
			if gi, err := f.GlyphIndex(&buf, r); err != nil || gi == 0 {
				missing[r] = true
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("the bundled font lacks %d characters: %v", len(missing), missing)
	}
}
