package pos_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps keeps the domain pure. If it fails, the import belongs in an adapter.
func TestDeps(t *testing.T) {
	checkDeps(t, "./...", "zhanggui/pos")
	checkDeps(t, "./money", "zhanggui/pos/money")
}

// checkDeps allows the standard library, minus I/O, and the packages under own.
func checkDeps(t *testing.T, pattern, own string) {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.Standard}} {{.ImportPath}}", pattern).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", pattern, err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		std, path, _ := strings.Cut(line, " ")
		if why, bad := ioPackages[path]; bad {
			t.Errorf("%s depends on %s: %s", pattern, path, why)
		} else if std != "true" && path != own && !strings.HasPrefix(path, own+"/") {
			t.Errorf("%s depends on %s; only the standard library and %s/...", pattern, path, own)
		}
	}
}

var ioPackages = map[string]string{
	"database/sql": "SQL belongs in storage",
	"net":          "the network belongs in sync/...",
	"os/exec":      "processes belong in app",
}
