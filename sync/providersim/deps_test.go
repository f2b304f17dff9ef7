package providersim

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps keeps the simulator's crypto its own: if it shared a signing
// package with a client, a symmetric bug could not be caught (STYLE.md §2).
// Test files may import third-party clients; the package itself may import
// only the standard library, golang.org/x/text and zhanggui/pos/money.
func TestDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.Standard}} {{.ImportPath}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		std, path, _ := strings.Cut(line, " ")
		switch {
		case std == "true", path == "zhanggui/sync/providersim", path == "zhanggui/pos/money",
			strings.HasPrefix(path, "golang.org/x/text/"):
		case strings.Contains(path, "smartwalle"), strings.Contains(path, "wechatpay"):
			t.Errorf("providersim depends on %s: a provider client belongs in tests only", path)
		case strings.HasPrefix(path, "zhanggui/sync/"):
			t.Errorf("providersim depends on %s: it must not share code with the clients it tests", path)
		default:
			t.Errorf("providersim depends on %s; allowed: the standard library, golang.org/x/text, zhanggui/pos/money", path)
		}
	}
}
