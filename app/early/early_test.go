package early

import "testing"

func TestFixLanguage(t *testing.T) {
	cases := []struct {
		env          map[string]string
		wantLanguage string
	}{
		{map[string]string{"LANG": "C.UTF-8"}, "en"},
		{map[string]string{"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"},
		{map[string]string{"LC_MESSAGES": "POSIX.UTF-8"}, "en"},
		{map[string]string{"LANG": "C"}, ""},
		{map[string]string{}, ""},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, ""},
		{map[string]string{"LANG": "en_US.UTF-8", "LANGUAGE": "en:C"}, "en"},
		{map[string]string{"LANG": "en_US.UTF-8", "LANGUAGE": "C"}, ""},
		{map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "C"}, "en"},
		{map[string]string{"LANG": "zh_CN.UTF-8", "LANGUAGE": "zh_CN:en"}, "zh_CN:en"},
	}
	for _, c := range cases {
		env := map[string]string{}
		for k, v := range c.env {
			env[k] = v
		}
		fixLanguage(func(k string) string { return env[k] },
			func(k, v string) error { env[k] = v; return nil },
			func(k string) error { delete(env, k); return nil })
		if got := env["LANGUAGE"]; got != c.wantLanguage {
			t.Errorf("%v: LANGUAGE = %q, want %q", c.env, got, c.wantLanguage)
		}
	}
}
