package ui

import "zhanggui/app/ui/kit"

// The till's language lives in package kit, shared with the screen families
// beside this package; these are its names here, so the screens of this
// package read as before. zhCN (i18n_zh.go) is registered first, from a
// package-level var, before any family's init adds its own map.
var _ = kit.Register("zhCN", zhCN)

// SetLanguage switches the language of strings made from now on.
func SetLanguage(l string) { kit.SetLanguage(l) }

// Language returns "zh" or "en".
func Language() string { return kit.Language() }

// T translates s into the current language.
func T(s string) string { return kit.T(s) }

// Tf translates format and then formats it.
func Tf(format string, args ...any) string { return kit.Tf(format, args...) }

// mergeZh registers a screen's Chinese strings (kit.Register).
func mergeZh(name string, m map[string]string) { kit.Register(name, m) }

// hasZh tells whether en has a Chinese translation in any registered map.
func hasZh(en string) bool {
	_, ok := kit.Chinese(en)
	return ok
}

// zhOf is en's Chinese, or "" when it has none.
func zhOf(en string) string {
	z, _ := kit.Chinese(en)
	return z
}
