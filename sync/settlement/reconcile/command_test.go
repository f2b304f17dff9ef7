package reconcile_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/settlement"
	"zhanggui/sync/settlement/reconcile"
)

// fileDeps opens the database at path afresh for each command.
func fileDeps(path string) reconcile.Deps {
	return reconcile.Deps{Open: func() (*storage.DB, error) { return storage.Open(path) }}
}

func runImport(t *testing.T, path string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := reconcile.RunBillsImport(args, &out, &errb, fileDeps(path))
	return code, out.String(), errb.String()
}

// TestBillsImport imports the simulator's Alipay bill by hand, twice (it
// is kept once), with the flags after the file too.
func TestBillsImport(t *testing.T) {
	s := newShop(t)
	s.pay("A1", pos.Alipay, 2500, at(0, 9, 0, 0), true)
	s.env.Clock.Set(at(1, 9, 0, 0))
	data, err := s.env.Alipay.DownloadBill(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "20881234_20261125.csv.zip")
	must(t, os.WriteFile(file, data, 0o600))
	db := storagetest.NewDB(t)
	for _, args := range [][]string{{"--provider", "alipay", file}, {file, "--provider", "alipay"}} {
		code, out, errb := runImport(t, db.Path(), args...)
		if code != 0 || out != "支付宝 2026-11-25 账单已导入\n" {
			t.Errorf("bills import %v = %d, %q, %q", args, code, out, errb)
		}
	}
	b, err := db.LatestBill(ctx, "alipay", day)
	if err != nil || len(b.Rows) != 1 || b.Rows[0].OutTradeNo != s.ids["A1"] || b.Source != filepath.Base(file) {
		t.Fatalf("stored bill %+v, %v", b, err)
	}
	if b.ID != 1 {
		t.Errorf("the same file imported twice made bill %d, want it kept once", b.ID)
	}
}

func TestBillsImportRefusesBadFiles(t *testing.T) {
	db := storagetest.NewDB(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	must(t, os.WriteFile(bad, []byte("商户订单号,支付宝交易号,业务类型,完成时间,订单金额（元）,服务费（元）,退款批次号/请求号\n"+
		"A1,T1,交易,2026-11-25 10:00:00,1.234,-0.01,\nA2,T2,冻结,2026-11-25 10:00:00,1.00,-0.01,\n"), 0o600))
	code, _, errb := runImport(t, db.Path(), "--provider", "alipay", bad)
	if code != 1 || !strings.Contains(errb, "第 2 行「订单金额（元）」") || !strings.Contains(errb, "第 3 行「业务类型」") {
		t.Errorf("a bad file: %d, %q; want 1 and every bad line", code, errb)
	}
	empty := filepath.Join(dir, "wechat.csv")
	must(t, os.WriteFile(empty, []byte("交易时间,微信订单号,商户订单号,交易状态,应结订单金额,商户退款单号,退款金额,手续费\r\n"+
		"总交易单数,手续费总金额\r\n`0,`0.00\r\n"), 0o600))
	if code, _, errb := runImport(t, db.Path(), "--provider", "wechat", empty); code != 1 || !strings.Contains(errb, "names no day") {
		t.Errorf("an empty WeChat bill without --date: %d, %q", code, errb)
	}
	if code, out, errb := runImport(t, db.Path(), "--provider", "wechat", "--date", "2026-11-25", empty); code != 0 || !strings.Contains(out, "2026-11-25") {
		t.Errorf("an empty WeChat bill with --date: %d, %q, %q", code, out, errb)
	}
	if b, err := db.LatestBill(ctx, "wechat", day); err != nil || len(b.Rows) != 0 {
		t.Errorf("the empty day's bill: %+v, %v", b, err)
	}
	for _, args := range [][]string{{"--provider", "unionpay", bad}, {"--provider", "alipay", filepath.Join(dir, "none.csv")}} {
		if code, _, _ := runImport(t, db.Path(), args...); code != 1 {
			t.Errorf("bills import %v = %d, want 1", args, code)
		}
	}
	for _, args := range [][]string{{"--provider", "alipay"}, {"--provider", "alipay", bad, bad}, {bad}, {"--bogus", bad}} {
		if code, _, errb := runImport(t, db.Path(), args...); code != 2 || errb == "" {
			t.Errorf("bills import %v = %d, %q; want 2 (bad usage) and the reason", args, code, errb)
		}
	}
}

func TestReconcileArguments(t *testing.T) {
	db := storagetest.NewDB(t)
	for _, args := range [][]string{{}, {"--date", "25/11/2026"}, {"--date", "2026-11-25", "--to", "2026-11-24"},
		{"--date", "2026-11-25", "--lang", "fr"}, {"--date", "2026-11-25", "--out", "x.csv"}, {"--bogus"}} {
		var out, errb bytes.Buffer
		if code := reconcile.RunReconcile(args, &out, &errb, fileDeps(db.Path())); code != reconcile.ExitError {
			t.Errorf("reconcile %v = %d, want %d", args, code, reconcile.ExitError)
		}
	}
	var out, errb bytes.Buffer
	if code := reconcile.RunResolve([]string{"--who", "店主", "--note", "x", "alipay:payment:nope:only_till"}, &out, &errb, fileDeps(db.Path())); code != 1 {
		t.Errorf("resolving an unknown key = %d, want 1", code)
	}
}

// TestEmptyDayIsClean: a day without sales or bills is clean, in English
// too, and the range reports its progress.
func TestEmptyDayIsClean(t *testing.T) {
	db := storagetest.NewDB(t)
	var steps []int
	svc := &reconcile.Service{DB: db, Now: func() time.Time { return at(3, 0, 0, 0) },
		Progress: func(done, total int) { steps = append(steps, done, total) }}
	days, _, err := svc.Range(ctx, day, day.AddDate(0, 0, 1))
	if err != nil || len(days) != 2 || reconcile.Open(&days[0]) != 0 || len(days[0].Channels) != len(settlement.Channels) {
		t.Fatalf("Range = %+v, %v", days, err)
	}
	if got := steps; len(got) != 12 || got[10] != 6 || got[11] != 6 { // 4 days of bills fetched, then 2 reconciled
		t.Errorf("progress %v", got)
	}
	var out, errb bytes.Buffer
	path := filepath.Join(t.TempDir(), "day.xlsx")
	code := reconcile.RunReconcile([]string{"--date", "2026-11-25", "--lang", "en", "--out", path}, &out, &errb, fileDeps(db.Path()))
	if code != reconcile.ExitClean || !strings.Contains(out.String(), "Reconciliation 2026-11-25") || !strings.Contains(out.String(), "(no bill)") {
		t.Errorf("reconcile an empty day = %d\n%s%s", code, out.String(), errb.String())
	}
	if _, err := os.Stat(path); err != nil {
		t.Error(err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
