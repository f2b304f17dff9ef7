package settlement_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps keeps settlement pure: bytes and slices in, values out. Of ours
// it may import only pos/...; fetching, storing and exporting belong in
// sync/settlement/reconcile.
func TestDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.Standard}} {{.ImportPath}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	banned := map[string]string{"database/sql": "SQL belongs in storage", "net": "the network belongs in the clients",
		"net/http": "the network belongs in the clients", "os/exec": "processes belong in app"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		std, path, _ := strings.Cut(line, " ")
		switch {
		case banned[path] != "":
			t.Errorf("settlement depends on %s: %s", path, banned[path])
		case std == "true", path == "zhanggui/sync/settlement", path == "zhanggui/pos",
			strings.HasPrefix(path, "zhanggui/pos/"), strings.HasPrefix(path, "golang.org/x/text/"):
		default:
			t.Errorf("settlement depends on %s; allowed: the standard library, golang.org/x/text, zhanggui/pos/...", path)
		}
	}
}
