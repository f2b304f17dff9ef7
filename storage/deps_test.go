package storage_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps keeps storage an adapter of pos alone: of our packages it may
// import only pos/...; types it shares with another adapter live in pos.
func TestDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", ".", "./storagetest").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, path := range strings.Fields(string(out)) {
		ours := path == "zhanggui" || strings.HasPrefix(path, "zhanggui/")
		allowed := path == "zhanggui/pos" || strings.HasPrefix(path, "zhanggui/pos/") ||
			path == "zhanggui/storage" || path == "zhanggui/storage/storagetest"
		if ours && !allowed {
			t.Errorf("storage depends on %s; of ours only pos/... is allowed", path)
		}
	}
}
