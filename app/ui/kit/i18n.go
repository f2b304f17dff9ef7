package kit

import (
	"fmt"
	"maps"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"fyne.io/fyne/v2"
	fynelang "fyne.io/fyne/v2/lang"
)

// The UI speaks Chinese by default and English on request. Every string a
// person reads is written in English in the code and passed through T; the
// Chinese comes from the maps the screen families Register (each family's
// completeness test, kittest.CheckTranslations, checks every literal given
// to T has one).
var lang atomic.Value // "zh" or "en"

func init() { lang.Store("zh") }

var (
	mu    sync.RWMutex
	zh    = map[string]string{}
	parts = map[string]map[string]string{}
)

// Register adds a family's Chinese strings under name. A key registered
// before keeps its first translation: TestTranslationMapsAgree (app/ui)
// reports any family that disagrees. It returns true so that a family can
// register from a package-level var, before any init function runs.
func Register(name string, m map[string]string) bool {
	mu.Lock()
	defer mu.Unlock()
	parts[name] = m
	for en, z := range m {
		if _, ok := zh[en]; !ok {
			zh[en] = z
		}
	}
	return true
}

// Chinese returns the Chinese of en, and whether there is one.
func Chinese(en string) (string, bool) {
	mu.RLock()
	defer mu.RUnlock()
	z, ok := zh[en]
	return z, ok
}

// Parts returns a copy of the registered maps, by name.
func Parts() map[string]map[string]string {
	mu.RLock()
	defer mu.RUnlock()
	return maps.Clone(parts)
}

// SetLanguage switches the language of strings made from now on: "en", or
// anything else for Chinese.
func SetLanguage(l string) {
	if l != "en" {
		l = "zh"
	}
	lang.Store(l)
	followInFyne(l)
}

// Language returns "zh" or "en".
func Language() string { return lang.Load().(string) }

// T translates s into the current language.
func T(s string) string {
	if Language() == "zh" {
		if z, ok := Chinese(s); ok {
			return z
		}
	}
	return s
}

// Tf translates format and then formats it.
func Tf(format string, args ...any) string { return fmt.Sprintf(T(format), args...) }

// followInFyne makes Fyne's own words (the file dialogs' 打开/取消/保存)
// speak the till's language rather than the system locale's, which on a
// shop PC set up in English, or under LANG=C, would leave English buttons
// in a Chinese screen. Fyne reads the locale from the environment whenever
// translations are added, and logs "Error parsing user locale" for one it
// cannot parse (LANG=C.UTF-8, LANGUAGE=en:C): once the environment names
// the till's language, it finds nothing to complain about.
func followInFyne(l string) {
	env, tag := "zh_CN.UTF-8", fyne.Locale("zh-Hans")
	if l == "en" {
		env, tag = "en_US.UTF-8", fyne.Locale("en")
	}
	if !useMessageLocale(env) {
		return
	}
	if err := fynelang.AddTranslationsForLocale([]byte("{}"), tag); err != nil {
		fyne.LogError("ui: follow language in Fyne's dialogs", err)
	}
}

// useMessageLocale points the process's message locale at env (such as
// zh_CN.UTF-8) where Fyne looks for it (LC_ALL, LC_MESSAGES, LANG, then
// LANGUAGE) and reports whether anything changed. A set LC_ALL would hide
// LC_MESSAGES: it moves to LC_CTYPE, so the character set (which the X
// input method needs) stays the user's. LANGUAGE, a list Fyne reads before
// the rest, names the till's language alone.
func useMessageLocale(env string) (changed bool) {
	set := func(k, v string) {
		if os.Getenv(k) != v {
			_ = os.Setenv(k, v) // fails only for a name with '=' or NUL
			changed = true
		}
	}
	if all := os.Getenv("LC_ALL"); all != "" && all != env {
		if os.Getenv("LC_CTYPE") == "" {
			set("LC_CTYPE", all)
		}
		_ = os.Unsetenv("LC_ALL") // cannot fail on Unix; Windows has no LC_ALL that Fyne reads
		changed = true
	}
	set("LC_MESSAGES", env)
	if os.Getenv("LANGUAGE") != "" {
		set("LANGUAGE", strings.TrimSuffix(env, ".UTF-8"))
	}
	return changed
}
