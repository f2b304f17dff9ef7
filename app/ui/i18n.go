package ui

import (
	"fmt"
	"os"
	"sync/atomic"

	"fyne.io/fyne/v2"
	fynelang "fyne.io/fyne/v2/lang"
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
	followInFyne(l)
}

// followInFyne makes Fyne's own words (the file dialogs' 打开/取消/保存)
// speak the till's language rather than the system locale's, which on a
// shop PC set up in English, or under LANG=C, would leave English buttons
// in a Chinese screen. Fyne reads the locale from the environment whenever
// translations are added.
func followInFyne(l string) {
	env, tag := "zh_CN.UTF-8", fyne.Locale("zh-Hans")
	if l == "en" {
		env, tag = "en_US.UTF-8", fyne.Locale("en")
	}
	if os.Getenv("LC_MESSAGES") == env {
		return
	}
	_ = os.Setenv("LC_MESSAGES", env) // LC_ALL, when set, still wins
	if err := fynelang.AddTranslationsForLocale([]byte("{}"), tag); err != nil {
		fyne.LogError("ui: follow language in Fyne's dialogs", err)
	}
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

// translationParts are the screens' own Chinese maps, by name, merged into
// zhCN (TestTranslationMapsAgree checks none contradicts another).
var translationParts = map[string]map[string]string{}

// mergeZh adds a screen's Chinese strings to zhCN; a key zhCN already has
// keeps its translation (the test reports a disagreement).
func mergeZh(name string, m map[string]string) {
	translationParts[name] = m
	for en, zh := range m {
		if _, ok := zhCN[en]; !ok {
			zhCN[en] = zh
		}
	}
}
