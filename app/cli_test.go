package app

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhanggui/storage"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestVersionAndUsage(t *testing.T) {
	if code, out, _ := run(t, "version"); code != 0 || !strings.Contains(out, Version) {
		t.Errorf("version: %d %q", code, out)
	}
	if code, _, errs := run(t, "no-such-command"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Errorf("unknown command: %d %q", code, errs)
	}
}

// TestHelp: a help asked for goes to stdout with status 0, in every form,
// and says what the command does, its flags, an example and its exits.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"--data-dir", t.TempDir(), "-help"}} {
		code, out, errs := run(t, args...)
		if code != 0 || errs != "" {
			t.Errorf("zhanggui %q = %d, stderr %q; want 0 and nothing", args, code, errs)
		}
		for _, c := range commands() {
			if !strings.Contains(out, "\n  "+c.name+" ") {
				t.Errorf("zhanggui %q does not list %s:\n%s", args, c.name, out)
			}
		}
	}
	for _, c := range commands() {
		_, want, _ := run(t, "help", c.name)
		checkHelp(t, c, want)
		for _, args := range [][]string{{c.name, "-h"}, {c.name, "--help"}, {c.name, "-help"}, {"--data-dir", t.TempDir(), c.name, "-h"}} {
			if code, out, errs := run(t, args...); code != 0 || out != want || errs != "" {
				t.Errorf("zhanggui %q = %d, stderr %q, stdout %q; want 0 and the help of `help %s`", args, code, errs, out, c.name)
			}
		}
	}
	// After a positional argument, and as a subcommand's flag.
	for _, args := range [][]string{{"backup", "/tmp/x", "--help"}, {"bills", "import", "-h"}, {"decode", "a.png", "-h"}} {
		if code, out, _ := run(t, args...); code != 0 || !strings.HasPrefix(out, "usage: zhanggui [--data-dir DIR] "+args[0]) {
			t.Errorf("zhanggui %q = %d, %q; want its help", args, code, out)
		}
	}
}

// checkHelp checks the parts of c's help.
func checkHelp(t *testing.T, c command, help string) {
	t.Helper()
	for _, part := range []string{"usage: zhanggui [--data-dir DIR] " + c.name, c.about[:20], "Flags:\n", "--data-dir DIR",
		"Example:\n  zhanggui", "Exit status:\n  0  "} {
		if !strings.Contains(help, part) {
			t.Errorf("help %s lacks %q:\n%s", c.name, part, help)
		}
	}
	if c.flags == nil {
		return
	}
	c.flags().VisitAll(func(f *flag.Flag) {
		if !strings.Contains(help, "\n  --"+f.Name) {
			t.Errorf("help %s lacks its flag --%s:\n%s", c.name, f.Name, help)
		}
	})
}

// TestUsageErrors: bad usage is status 2 with the reason on stderr and
// nothing on stdout (reconcile keeps 2 for differences: it is 1 there).
func TestUsageErrors(t *testing.T) {
	data := t.TempDir()
	for _, args := range [][]string{
		{"--bogus"}, {"help", "no-such"}, {"help", "a", "b"}, {"version", "x"}, {"gui", "x"},
		{"import-products"}, {"export-products", "a", "b"}, {"export-products", "products.csv"}, {"backup"}, {"restore"},
		{"report"}, {"report", "--date", "2026-11-25"}, {"report", "--bogus"},
		{"bills"}, {"bills", "export"}, {"bills", "import", "--provider", "alipay"}, {"resolve"},
		{"decode"}, {"decode", "--bogus", "a.png"}, {"card-read", "extra"}, {"card-read", "--timeout", "0s"},
		{"sim", "--addr", "192.0.2.1:80"}, {"sim", "extra"}, {"--data-dir"},
	} {
		code, out, errs := run(t, append([]string{"--data-dir", data}, args...)...)
		if code != 2 || out != "" || errs == "" {
			t.Errorf("zhanggui %q = %d, stdout %q, stderr %q; want 2, nothing and the reason", args, code, out, errs)
		}
	}
	if code, _, errs := run(t, "--data-dir", data, "reconcile", "--bogus"); code != 1 || errs == "" {
		t.Errorf("reconcile --bogus = %d, %q; want 1 and the reason", code, errs)
	}
}

func TestImportExportBackupRestore(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	csv := filepath.Join(dir, "products.csv")
	if err := os.WriteFile(csv, []byte("条码,名称,分类,单位,售价\n6901234567892,可口可乐 330ml,饮料,瓶,3.00\n6903456789014,康师傅红烧牛肉面,方便食品,桶,4.50\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := run(t, "--data-dir", data, "import-products", csv); code != 0 || !strings.Contains(out, "imported 2") {
		t.Fatalf("import: %d %q %q", code, out, errs)
	}
	xlsx := filepath.Join(dir, "out.xlsx")
	if code, out, errs := run(t, "export-products", "--data-dir", data, xlsx); code != 0 || !strings.Contains(out, "exported 2") {
		t.Fatalf("export: %d %q %q", code, out, errs)
	}
	// The export imports back into another shop.
	if code, _, errs := run(t, "--data-dir", filepath.Join(dir, "other"), "import-products", xlsx); code != 0 {
		t.Fatalf("re-import of the export: %d %q", code, errs)
	}
	backup := filepath.Join(dir, "backup.db")
	if code, _, errs := run(t, "--data-dir", data, "backup", backup); code != 0 {
		t.Fatalf("backup: %d %q", code, errs)
	}
	restored := filepath.Join(dir, "restored")
	if code, _, errs := run(t, "--data-dir", restored, "restore", backup); code != 0 {
		t.Fatalf("restore: %d %q", code, errs)
	}
	db, err := storage.Open(filepath.Join(restored, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ps, err := db.Products(context.Background())
	if err != nil || len(ps) != 2 {
		t.Errorf("restored products: %d, %v", len(ps), err)
	}
}

func TestBadInputKeepsData(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("条码,名称,分类,单位,售价\n6901234567892,可乐,饮料,瓶,3.00\n123,坏,饮料,瓶,abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := run(t, "--data-dir", data, "import-products", bad)
	if code != 1 || !strings.Contains(errs, "第 3 行") {
		t.Errorf("bad import: %d %q", code, errs)
	}
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte("this is not a database, it is a shopping list"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "--data-dir", filepath.Join(dir, "r"), "restore", garbage); code != 1 || errs == "" {
		t.Errorf("restore of garbage: %d %q", code, errs)
	}
	if code, _, _ := run(t, "--data-dir", data, "import-products", filepath.Join(dir, "missing.xlsx")); code != 1 {
		t.Errorf("missing file: %d", code)
	}
}

func TestDecodeCommand(t *testing.T) {
	frames, _ := filepath.Glob("../../shared/corpus/qr-counter/00[0-4].jpg")
	if len(frames) == 0 {
		t.Skip("no corpus next to the repository")
	}
	code, out, errs := run(t, append([]string{"decode", "--json"}, frames...)...)
	if code > 1 || strings.Count(out, "\n") < 3 {
		t.Errorf("decode: %d\n%s\n%s", code, out, errs)
	}
	if code, _, _ := run(t, "decode"); code != 2 {
		t.Errorf("decode without images: %d", code)
	}
}

// TestSettlementUsageTouchesNothing: bills and resolve check their usage
// before they open the database or the payment channels, so bad usage
// leaves a fresh data directory absent; good usage still creates it.
func TestSettlementUsageTouchesNothing(t *testing.T) {
	for _, args := range [][]string{
		{"bills"},
		{"bills", "import"},
		{"bills", "import", "--provider", "alipay"},
		{"bills", "import", "a.csv"},
		{"bills", "import", "--provider", "alipay", "a.csv", "b.csv"},
		{"resolve", "--who", "会计"},
		{"resolve", "--bogus", "KEY"},
		{"reconcile", "--lang", "fr"},
	} {
		dir := filepath.Join(t.TempDir(), "fresh")
		code, _, errs := run(t, append([]string{"--data-dir", dir}, args...)...)
		if code == 0 || errs == "" {
			t.Errorf("zhanggui %q = %d, stderr %q; want a usage error", args, code, errs)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("zhanggui %q: data dir %s exists after a usage error (%v)", args, dir, err)
		}
	}
	dir := filepath.Join(t.TempDir(), "fresh")
	if code, _, errs := run(t, "--data-dir", dir, "resolve", "--who", "会计", "--note", "n", "NO-SUCH-KEY"); code != 1 {
		t.Errorf("resolve of an unknown key = %d, stderr %q; want 1", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, dbFile)); err != nil {
		t.Errorf("a well-formed resolve did not open the shop's database: %v", err)
	}
}
