package nfc_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps keeps package nfc pure and the cgo binding in one place. If it
// fails, the import belongs in nfc/pcsc (the reader) or in the caller.
func TestDeps(t *testing.T) {
	for _, line := range goList(t, "-deps", "-f", "{{.Standard}} {{.ImportPath}}", "zhanggui/hardware/nfc") {
		std, path, _ := strings.Cut(line, " ")
		if why, bad := banned[path]; bad {
			t.Errorf("hardware/nfc depends on %s: %s", path, why)
		} else if std != "true" && path != "zhanggui/hardware/nfc" {
			t.Errorf("hardware/nfc depends on %s; only the standard library", path)
		}
	}
	for _, line := range goList(t, "-f", "{{.ImportPath}} {{.Imports}}", "zhanggui/hardware/nfc/...") {
		pkg, imports, _ := strings.Cut(line, " ")
		if strings.Contains(imports, "github.com/ebfe/scard") && pkg != "zhanggui/hardware/nfc/pcsc" {
			t.Errorf("%s imports ebfe/scard; only hardware/nfc/pcsc may", pkg)
		}
		if pkg == "zhanggui/hardware/nfc/vcard" && strings.Contains(imports, "zhanggui/") {
			t.Errorf("hardware/nfc/vcard imports %s; it must stay independent of the reader code", imports)
		}
	}
}

// banned are standard packages a pure reader package must not use.
var banned = map[string]string{
	"runtime/cgo":  "cgo belongs in hardware/nfc/pcsc",
	"net":          "the network belongs in sync/... (and test cards in nfc/vcard)",
	"os/exec":      "processes belong in app",
	"database/sql": "SQL belongs in storage",
}

// goList runs go list and returns its output lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("go", append([]string{"list"}, args...)...).Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}
