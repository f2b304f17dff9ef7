package storage

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
	"golang.org/x/text/width"
)

var (
	fullPinyin    = pinyin.Args{Style: pinyin.Normal}      // 可 → ke
	initialPinyin = pinyin.Args{Style: pinyin.FirstLetter} // 可 → k

	// runeKeys caches the pinyin of each character seen: go-pinyin runs
	// regular expressions per character, which made importing 100,000
	// products take seconds.
	runeKeys sync.Map // rune → [2]string{full, initial}
)

// searchKeys returns what the counter search matches besides the name: the
// full pinyin and the pinyin initials, lower case, without spaces, keeping
// ASCII letters and digits where they stand. "可口可乐 330ml" gives
// "kekoukele330ml" and "kkkl330ml". Full-width letters and digits (ＡＢ１)
// count as ASCII; other characters without pinyin are dropped. A character
// with several readings takes its most common one (乐 → le).
func searchKeys(name string) (full, initials string) {
	var f, i strings.Builder
	for _, r := range width.Fold.String(name) {
		switch {
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
			fallthrough
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			f.WriteRune(r)
			i.WriteRune(r)
		case r >= utf8.RuneSelf:
			k := keysOf(r)
			f.WriteString(k[0])
			i.WriteString(k[1])
		}
	}
	return f.String(), i.String()
}

// keysOf returns the full pinyin and initial of one character, or empty
// strings when it has none.
func keysOf(r rune) [2]string {
	if k, ok := runeKeys.Load(r); ok {
		return k.([2]string)
	}
	var k [2]string
	if py := pinyin.SinglePinyin(r, fullPinyin); len(py) > 0 {
		k[0] = py[0]
	}
	if py := pinyin.SinglePinyin(r, initialPinyin); len(py) > 0 {
		k[1] = py[0]
	}
	runeKeys.Store(r, k)
	return k
}
