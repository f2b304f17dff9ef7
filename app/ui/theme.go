package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"zhanggui/assets"
)

// cjkFont is the bundled font: Fyne's own has no Chinese glyphs, and a
// shop's machine may have no CJK fonts installed.
var cjkFont = fyne.NewStaticResource("DroidSansFallbackFull.ttf", assets.FontCJK)

// Theme is the till's theme: the default colours, the bundled CJK font, and
// a large-font mode for older cashiers.
type Theme struct {
	Large bool
}

var _ fyne.Theme = (*Theme)(nil)

// Color returns the default theme's colour.
func (t *Theme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

// Font returns the CJK font for every style; bold is synthesised by Fyne.
func (t *Theme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace {
		return theme.DefaultTheme().Font(s)
	}
	return cjkFont
}

// Icon returns the default theme's icon.
func (t *Theme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

// Size scales text and padding in large-font mode.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 {
	s := theme.DefaultTheme().Size(n)
	if n == theme.SizeNameText || n == theme.SizeNameHeadingText || n == theme.SizeNameSubHeadingText {
		s += 2 // readable from a metre away
		if t.Large {
			s *= 1.35
		}
	}
	return s
}
