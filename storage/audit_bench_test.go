package storage_test

import (
	"path/filepath"
	"testing"
	"time"

	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

// The audit's speed targets (issue 10): the audit append adds at most
// 10 % to the durable sale commit, and `audit verify` of 1,000,000 events
// takes under 5 s.

// BenchmarkSaleCommit measures the durable sale commit with and without
// its audit event, interleaved in the same run on the same database so the
// disk's mood is shared, and reports both medians and the added share.
func BenchmarkSaleCommit(b *testing.B) {
	db := storagetest.NewDB(b)
	sales := saleMaker(b, db)
	var with, without []time.Duration
	timed := func(save func() error) time.Duration {
		start := time.Now()
		must(b, save())
		return time.Since(start)
	}
	i := 0
	for b.Loop() {
		s1, s2 := sales(), sales()
		withAudit := func() error { return db.SaveSale(ctx, s1) }
		noAudit := func() error { return db.SaveSaleWithoutAudit(ctx, s2) }
		if i++; i%2 == 0 { // alternate which goes first
			with = append(with, timed(withAudit))
			without = append(without, timed(noAudit))
		} else {
			without = append(without, timed(noAudit))
			with = append(with, timed(withAudit))
		}
	}
	w, wo := median(with), median(without)
	b.ReportMetric(float64(w.Nanoseconds()), "with-audit-median-ns")
	b.ReportMetric(float64(wo.Nanoseconds()), "without-audit-median-ns")
	b.ReportMetric(100*(float64(w)/float64(wo)-1), "audit-added-%")
}

// BenchmarkAuditVerify verifies a log of 1,000,000 events (built once, in
// one transaction), streaming it from the file.
func BenchmarkAuditVerify(b *testing.B) {
	const n = 1_000_000
	db, err := storage.Open(filepath.Join(b.TempDir(), "zhanggui.db"))
	must(b, err)
	defer db.Close()
	must(b, db.InsertAuditBulk(ctx, n))
	cpu0 := cpuTime(b)
	for b.Loop() {
		v, err := db.VerifyAudit(ctx, 1)
		if err != nil || !v.OK() || v.Checked != n {
			b.Fatalf("verify: %d checked, %v, %v", v.Checked, v.Break, err)
		}
	}
	b.ReportMetric(float64(n), "events")
	// the machine is shared: CPU time says what the verify costs when it
	// has a core to itself
	b.ReportMetric((cpuTime(b)-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}
