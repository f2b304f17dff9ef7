// Package kittest holds the checks every screen family's tests share.
package kittest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"zhanggui/app/ui/kit"
)

// literals finds the strings given to T or Tf (and keyButton's label).
var literals = regexp.MustCompile(`(?:\bTf?\(|keyButton\("[^"]*", )"((?:[^"\\]|\\.)*)"`)

// CheckTranslations fails t for every literal passed to T or Tf in the
// non-test Go files of dir that has no Chinese translation, and for every
// string of extra (labels shown through a variable) that has none.
func CheckTranslations(t *testing.T, dir string, extra ...string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literals.FindAllStringSubmatch(string(src), -1) {
			if _, ok := kit.Chinese(m[1]); !ok {
				t.Errorf("%s: no Chinese for %q", name, m[1])
			}
		}
	}
	for _, s := range extra {
		if _, ok := kit.Chinese(s); !ok {
			t.Errorf("no Chinese for %q", s)
		}
	}
}
