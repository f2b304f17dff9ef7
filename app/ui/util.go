package ui

import "unicode/utf8"

func utf8DecodeAt(s string, i int) (rune, int) { return utf8.DecodeRuneInString(s[i:]) }
