package cardterm_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps keeps the terminal an adapter between the domain, the card
// reader and an acquirer it knows only by interface (doc.go): it may import
// pos, hardware/nfc and hardware/nfc/pcsc (and what they import), never
// another sync/ package, storage, app or Fyne.
func TestDeps(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.Standard}} {{.ImportPath}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	allowed := []string{"zhanggui/sync/cardterm", "zhanggui/pos", "zhanggui/hardware/nfc", "github.com/ebfe/scard"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		std, path, _ := strings.Cut(line, " ")
		switch {
		// net/url and net/netip only parse text (pos validates gateway URLs
		// with them); sockets and HTTP are what must stay out.
		case path == "net" || strings.HasPrefix(path, "net/") && path != "net/url" && path != "net/netip":
			t.Errorf("cardterm depends on %s: the network belongs to the Acquirer (sync/unionpay)", path)
			continue
		case std == "true":
			continue
		}
		ok := false
		for _, a := range allowed {
			ok = ok || path == a || strings.HasPrefix(path, a+"/")
		}
		if !ok {
			t.Errorf("cardterm depends on %s; allowed: the standard library, pos/..., hardware/nfc/... and ebfe/scard", path)
		}
	}
}
