package app

import (
	"bytes"
	"context"
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
	if code, _, _ := run(t, "backup"); code != 2 {
		t.Errorf("backup without DEST: %d", code)
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
