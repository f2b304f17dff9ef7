package beep_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps keeps beep on the standard library: the screens call it through
// a plain func, so it needs nothing of the project.
func TestDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.Standard}} {{.ImportPath}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		std, path, _ := strings.Cut(line, " ")
		if std != "true" && path != "zhanggui/hardware/beep" {
			t.Errorf("beep depends on %s; only the standard library", path)
		}
	}
}
