package app

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHeadlessCommandsQuietUnderAnyLocale runs the built binary, as cron or
// a server would, with the locales Fyne used to complain about before main
// (its lang package reads the locale in its package initialisation): no
// command may print anything of the GUI library.
func TestHeadlessCommandsQuietUnderAnyLocale(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	csv := filepath.Join(dir, "products.csv")
	if err := os.WriteFile(csv, []byte("条码,名称,分类,单位,售价\n6901234567892,可口可乐 330ml,饮料,瓶,3.00\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	commands := [][]string{
		{"version"}, {"help"}, {"help", "decode"}, {"decode", "-h"}, {"decode", filepath.Join(dir, "none.png")},
		{"import-products", csv}, {"export-products", filepath.Join(dir, "out.xlsx")},
		{"backup", filepath.Join(dir, "b.db")}, {"restore", filepath.Join(dir, "none.db")},
		{"report", "--date", "2026-11-25", "--out", filepath.Join(dir, "r.xlsx")},
		{"reconcile", "--date", "2026-11-25"}, {"bills", "import", "--provider", "alipay", csv},
		{"resolve", "--who", "会计", "--note", "x", "KEY"}, {"card-read", "--timeout", "100ms"},
		{"sim", "--addr", "127.0.0.1:0"}, {"no-such-command"},
	}
	// Fyne looks at the locale when the program starts, the same for every
	// command: every locale with one command, every command with the two
	// locales of servers and cron.
	locales := [][]string{{"LANG=C"}, {"LANG=C.UTF-8"}, {"LC_ALL=C"}, {"LC_ALL=C.UTF-8"},
		{"LANGUAGE=en:C", "LANG=en_US.UTF-8"}, {"LANGUAGE=C"}, {"LC_MESSAGES=POSIX.UTF-8"}, {}}
	var runs []cmdRun
	for _, l := range locales {
		runs = append(runs, cmdRun{l, []string{"version"}})
	}
	for _, args := range commands {
		runs = append(runs, cmdRun{[]string{"LANG=C.UTF-8"}, args}, cmdRun{[]string{}, args})
	}
	for _, r := range runs {
		stderr := runQuiet(t, bin, r.env, append([]string{"--data-dir", filepath.Join(dir, "data")}, r.args...))
		if strings.Contains(stderr, "Fyne") || strings.Contains(stderr, "locale") {
			t.Errorf("%v zhanggui %q printed the GUI library's noise:\n%s", r.env, r.args, stderr)
		}
	}
}

// cmdRun is a command line and the locale of its environment.
type cmdRun struct{ env, args []string }

// runQuiet runs bin with only PATH, HOME and env in its environment and
// returns its stderr; a command still running after a second (sim) is
// stopped.
func runQuiet(t *testing.T, bin string, env, args []string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	_ = cmd.Run() // the status is the commands' own business here; TestUsageErrors checks it
	return stderr.String()
}
