// Package early runs before any GUI library's package initialisation and
// makes the locale of the environment one that Fyne can read.
//
// Fyne's lang package looks the locale up (through jeandeaual/go-locale)
// in its own init, before main: under LANG=C.UTF-8 (a Debian server's or
// cron's default), LC_ALL=C.UTF-8 or LANGUAGE=en:C it takes "C" for a
// language and prints "Fyne error: Error parsing user locale C" from every
// command of the binary, headless ones included. Go initialises packages in
// the order of their import paths wherever their imports allow (the
// language spec, since Go 1.21), so this module's path, "early", sorts
// before "fyne.io/..." and its init runs first: it only sets LANGUAGE,
// which go-locale reads first and the C library ignores while the messages
// locale is C, so character handling and input methods are untouched. The
// till then speaks its own language setting (app/ui/kit).
//
// It is a module of its own only for its import path; package main
// imports it first.
package early

import (
	"os"
	"strings"
)

func init() { fixLanguage(os.Getenv, os.Setenv, os.Unsetenv) }

// fixLanguage leaves LANGUAGE holding only readable languages when the
// locale go-locale would report is not one.
func fixLanguage(getenv func(string) string, setenv func(string, string) error, unsetenv func(string) error) {
	locale := ""
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if locale = getenv(name); locale != "" {
			break
		}
	}
	if locale == "C" || locale == "POSIX" {
		return // read as "no language": nothing is printed
	}
	if langs := getenv("LANGUAGE"); langs != "" {
		kept := readable(strings.Split(langs, ":"))
		switch {
		case len(kept) == len(strings.Split(langs, ":")):
			return
		case len(kept) > 0:
			_ = setenv("LANGUAGE", strings.Join(kept, ":"))
			return
		}
		_ = unsetenv("LANGUAGE") // then go-locale reads locale
	}
	if locale != "" && len(readable([]string{locale})) == 0 {
		_ = setenv("LANGUAGE", "en")
	}
}

// readable keeps the entries whose language part (before _ . @) is two or
// three letters other than C's.
func readable(entries []string) []string {
	var out []string
	for _, e := range entries {
		l, _, _ := strings.Cut(e, "_")
		l, _, _ = strings.Cut(l, ".")
		l, _, _ = strings.Cut(l, "@")
		if len(l) >= 2 && len(l) <= 3 && isLetters(l) && !strings.EqualFold(l, "c") {
			out = append(out, e)
		}
	}
	return out
}

func isLetters(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}
