package printer_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps keeps the printer package free of the rest of the project: the
// application turns its receipts into a Doc, never the other way round.
func TestDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.Standard}} {{.ImportPath}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		std, path, _ := strings.Cut(line, " ")
		switch {
		case std == "true", path == "zhanggui/hardware", path == "zhanggui/hardware/printer",
			strings.HasPrefix(path, "golang.org/x/text/"):
		default:
			t.Errorf("printer depends on %s; only the standard library, golang.org/x/text and zhanggui/hardware", path)
		}
	}
}
