package ui

import (
	"sort"
	"testing"

	"golang.org/x/image/font/sfnt"

	"fyne.io/fyne/v2/theme"

	"zhanggui/app/ui/kit"
	"zhanggui/assets"
)

// Every character of every registered translated string, in both languages, has a
// glyph in the fonts the till bundles: the CJK font of the theme and Fyne's
// own text font after it. A character only a system font has renders as
// "�" on a shop PC without it, as the arrows of the key hint did on Windows.
func TestTranslationsHaveGlyphs(t *testing.T) {
	fonts := []*sfnt.Font{parseFont(t, assets.FontCJK), parseFont(t, theme.DefaultTextFont().Content())}
	missing := map[rune][]string{}
	for _, m := range kit.Parts() {
		for en, zh := range m {
			for _, s := range []string{en, zh} {
				for _, r := range s {
					if !hasGlyph(fonts, r) {
						missing[r] = append(missing[r], s)
					}
				}
			}
		}
	}
	runes := make([]rune, 0, len(missing))
	for r := range missing {
		runes = append(runes, r)
	}
	sort.Slice(runes, func(i, j int) bool { return runes[i] < runes[j] })
	for _, r := range runes {
		t.Errorf("no bundled glyph for %q (U+%04X), used in %q", r, r, missing[r][0])
	}
}

func parseFont(t *testing.T, b []byte) *sfnt.Font {
	t.Helper()
	f, err := sfnt.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// hasGlyph reports whether one of fonts maps r; layout characters need none.
func hasGlyph(fonts []*sfnt.Font, r rune) bool {
	if r == '\n' || r == '\t' {
		return true
	}
	var buf sfnt.Buffer
	for _, f := range fonts {
		if i, err := f.GlyphIndex(&buf, r); err == nil && i != 0 {
			return true
		}
	}
	return false
}
