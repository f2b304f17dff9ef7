package kit

import (
	"bytes"
	"log"
	"os"
	"testing"

	"fyne.io/fyne/v2"
	fynelang "fyne.io/fyne/v2/lang"
)

// TestFollowInFyneUnderBadLocales: whatever locale the environment gives,
// switching the till's language leaves Fyne reading the till's language,
// with no "Fyne error" line, and keeps the user's character set.
func TestFollowInFyneUnderBadLocales(t *testing.T) {
	for _, tt := range []struct {
		name string
		env  map[string]string
	}{
		{"LANG=C.UTF-8", map[string]string{"LANG": "C.UTF-8"}},
		{"LANG=C", map[string]string{"LANG": "C"}},
		{"LC_ALL=C.UTF-8", map[string]string{"LC_ALL": "C.UTF-8"}},
		{"LC_ALL=C", map[string]string{"LC_ALL": "C"}},
		{"LANGUAGE=en:C", map[string]string{"LANGUAGE": "en:C", "LANG": "en_US.UTF-8"}},
		{"LC_MESSAGES=POSIX.UTF-8", map[string]string{"LC_MESSAGES": "POSIX.UTF-8"}},
		{"unset", map[string]string{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LC_CTYPE", "LANG", "LANGUAGE"} {
				t.Setenv(k, tt.env[k]) // restored after the test
				if tt.env[k] == "" {
					os.Unsetenv(k)
				}
			}
			var logged bytes.Buffer
			log.SetOutput(&logged)
			defer log.SetOutput(os.Stderr)
			for _, l := range []string{"en", "zh"} {
				SetLanguage(l)
				want := map[string]fyne.Locale{"en": "en-US", "zh": "zh-CN"}[l]
				if got := fynelang.SystemLocale(); got != want {
					t.Errorf("after SetLanguage(%q), Fyne's locale = %q, want %q", l, got, want)
				}
			}
			if logged.Len() > 0 {
				t.Errorf("Fyne logged:\n%s", logged.String())
			}
			if all := tt.env["LC_ALL"]; all != "" && os.Getenv("LC_CTYPE") != all {
				t.Errorf("LC_CTYPE = %q, want the user's LC_ALL %q", os.Getenv("LC_CTYPE"), all)
			}
		})
	}
	SetLanguage("zh")
}
