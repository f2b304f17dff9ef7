package reports

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhanggui/pos"
)

// sofficeCSV is LibreOffice's CSV export filter: comma, double quote,
// UTF-8 (76), from line 1, no column formats, default language; then
// quote text cells no, detect special numbers yes, save cells as shown
// no (values, not "¥87.00"), no formulas, no space trimming, and every
// sheet to a file of its own (-1): book-sheet.csv.
const sofficeCSV = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"

// recalcOnLoad is a LibreOffice profile setting: recalculate every
// formula of an .xlsx when it is opened (OOXMLRecalcMode 0, "always"),
// where the default trusts the values the file caches. The CSV then shows
// LibreOffice's own sums, which must be the ones the workbook carries.
const recalcOnLoad = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
`

// needSoffice returns LibreOffice's soffice; without it the test skips,
// or fails under make test (ZHANGGUI_REQUIRE_SOFFICE=1), which installs it.
func needSoffice(t *testing.T) string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err == nil {
		return soffice
	}
	if os.Getenv("ZHANGGUI_REQUIRE_SOFFICE") != "" {
		t.Fatal("ZHANGGUI_REQUIRE_SOFFICE is set but soffice is not on PATH: apt-get install libreoffice-calc-nogui (make deps-test)")
	}
	t.Skip("soffice not on PATH (apt-get install libreoffice-calc-nogui): workbooks not checked in LibreOffice")
	return ""
}

// TestWorkbooksLibreOffice opens every workbook the till writes in
// LibreOffice Calc, with every formula recalculated, and checks that
// each cell of each sheet reads there as the workbook wrote it: Chinese
// text, numbers, the totals LibreOffice computes, and times as shown.
// One conversion for all the books, with a profile of the test's own, so
// parallel runs do not share LibreOffice's lock.
func TestWorkbooksLibreOffice(t *testing.T) {
	soffice := needSoffice(t)
	dir := t.TempDir()
	books := map[string]func(string) error{
		"reconcile":    func(p string) error { return ExportReconcileFile(p, sampleRecon(), "zh") },
		"reconcile_en": func(p string) error { return ExportReconcileFile(p, sampleRecon(), "en") },
		"sales":        func(p string) error { return ExportSalesFile(p, sampleSales(), "zh") },
		"products": func(p string) error {
			ps := append(demoProducts(t), pos.Product{Barcode: upc, Name: "前导零条码", Unit: "个", Price: 1, Active: true},
				pos.Product{Barcode: "ZG-2", Name: `引号 "和", 逗号`, Unit: "kg", Price: 99_999_999_999, ByWeight: true})
			return ExportProductsFile(p, ps, "zh")
		},
		"template": func(p string) error {
			return writeFileAtomic(p, func(w io.Writer) error { return WriteTemplateXLSX(w, "zh") })
		},
	}
	var paths []string
	for name, write := range books {
		p := filepath.Join(dir, name+".xlsx")
		must(t, write(p))
		paths = append(paths, p)
	}
	slices.Sort(paths)
	convert(t, soffice, dir, paths)
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".xlsx")
		t.Run(name, func(t *testing.T) { checkInLibreOffice(t, p, filepath.Join(dir, "csv"), name) })
	}
}

// convert runs soffice once over paths, into dir/csv.
func convert(t *testing.T, soffice, dir string, paths []string) {
	t.Helper()
	profile := filepath.Join(dir, "profile")
	must(t, os.MkdirAll(filepath.Join(profile, "user"), 0o755))
	must(t, os.WriteFile(filepath.Join(profile, "user", "registrymodifications.xcu"), []byte(recalcOnLoad), 0o644))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := append([]string{"-env:UserInstallation=" + (&url.URL{Scheme: "file", Path: profile}).String(),
		"--headless", "--norestore", "--convert-to", sofficeCSV, "--outdir", filepath.Join(dir, "csv")}, paths...)
	cmd := exec.CommandContext(ctx, soffice, args...)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
}

// checkInLibreOffice compares each sheet of the workbook at path with
// LibreOffice's CSV of it.
func checkInLibreOffice(t *testing.T, path, csvDir, name string) {
	f, err := excelize.OpenFile(path)
	must(t, err)
	defer f.Close()
	for _, sheet := range f.GetSheetList() {
		data, err := os.ReadFile(filepath.Join(csvDir, name+"-"+sheet+".csv"))
		if errors.Is(err, os.ErrNotExist) {
			t.Errorf("LibreOffice wrote no CSV of sheet %s", sheet)
			continue
		}
		must(t, err)
		r := csv.NewReader(strings.NewReader(string(data)))
		r.FieldsPerRecord = -1
		got, err := r.ReadAll()
		if err != nil {
			t.Errorf("sheet %s: LibreOffice's CSV does not read: %v", sheet, err)
			continue
		}
		raw, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		must(t, err)
		shown, err := f.GetRows(sheet)
		must(t, err)
		compareSheet(t, sheet, trimRows(raw), trimRows(shown), trimRows(got))
	}
}

// compareSheet reports the cells LibreOffice reads otherwise than the
// workbook holds them: a cell agrees when LibreOffice shows its text as
// excelize does, or its raw value, or the same number.
func compareSheet(t *testing.T, sheet string, raw, shown, got [][]string) {
	t.Helper()
	if len(got) != len(raw) || len(got) == 0 {
		t.Errorf("sheet %s: LibreOffice reads %d rows, the workbook has %d", sheet, len(got), len(raw))
	}
	bad := 0
	for i := range min(len(got), len(raw)) {
		for j := range max(len(got[i]), len(raw[i])) {
			g, w, s := at(got, i, j), at(raw, i, j), at(shown, i, j)
			if g == s || g == w || sameNumber(g, w) || samePercent(g, w) {
				continue
			}
			if bad++; bad <= 10 {
				t.Errorf("sheet %s %s: LibreOffice reads %q, the workbook holds %q (shown %q)", sheet, cell(j+1, i+1), g, w, s)
			}
		}
	}
}

// samePercent reports whether LibreOffice's "0.6%" is the value 0.006:
// it writes percentages as shown, in its own precision.
func samePercent(got, raw string) bool {
	p, ok := strings.CutSuffix(got, "%")
	x, err1 := strconv.ParseFloat(p, 64)
	y, err2 := strconv.ParseFloat(raw, 64)
	d := x/100 - y
	return ok && err1 == nil && err2 == nil && d < 1e-9 && d > -1e-9
}

// trimRows drops trailing empty cells of each row, and trailing empty rows.
func trimRows(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		for len(r) > 0 && r[len(r)-1] == "" {
			r = r[:len(r)-1]
		}
		out[i] = r
	}
	for len(out) > 0 && len(out[len(out)-1]) == 0 {
		out = out[:len(out)-1]
	}
	return out
}

func at(rows [][]string, i, j int) string {
	if j < len(rows[i]) {
		return rows[i][j]
	}
	return ""
}
