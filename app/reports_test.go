package app

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	data, out := filepath.Join(dir, "data"), filepath.Join(dir, "day.xlsx")
	code, stdout, errs := run(t, "--data-dir", data, "report", "--date", "2026-11-25", "--out", out, "--lang", "en")
	if code != 0 || !strings.Contains(stdout, "0 sales") {
		t.Fatalf("report = %d %q %q", code, stdout, errs)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 5 || sheets[0] != "By hour" {
		t.Errorf("sheets %v", sheets)
	}
	if code, _, errs := run(t, "--data-dir", data, "report", "--date", "2026-11-25", "--to", "2026-11-24", "--out", out); code != 1 || errs == "" {
		t.Errorf("a range ending before it starts: %d %q", code, errs)
	}
	if code, _, _ := run(t, "--data-dir", data, "report", "--date", "2026-11-25"); code != 2 {
		t.Errorf("no --out: %d, want 2", code)
	}
}
