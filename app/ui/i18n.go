package ui

import (
	"fmt"
	"sync/atomic"
)

// The UI speaks Chinese by default and English on request. Every string a
// person reads is written in English in the code and passed through T;
// zhCN holds its translation (TestTranslationsComplete checks that every
// literal given to T has one).
var lang atomic.Value // "zh" or "en"

func init() { lang.Store("zh") }

// SetLanguage switches the language of strings made from now on.
func SetLanguage(l string) {
	if l != "en" {
		l = "zh"
	}
	lang.Store(l)
}

// Language returns "zh" or "en".
func Language() string { return lang.Load().(string) }

// T translates s into the current language.
func T(s string) string {
	if Language() == "zh" {
		if z, ok := zhCN[s]; ok {
			return z
		}
	}
	return s
}

// Tf translates format and then formats it.
func Tf(format string, args ...any) string { return fmt.Sprintf(T(format), args...) }
