package storage_test

import (
	"fmt"
	"testing"

	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

func TestZZExp(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 100)
	raw := rawDB(t, db.Path())
	frames := func() int {
		var busy, log, done int
		must(t, raw.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &done))
		must(t, raw.QueryRow("PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &done, &done))
		return log
	}
	frames()
	for i := 0; i < 3; i++ {
		s, err := storagetest.Sale(fmt.Sprint("x", i), fmt.Sprint("n", i), storagetest.Epoch, ps[i], ps[i+10], ps[i+20])
		must(t, err)
		must(t, db.SaveSale(ctx, s))
		t.Logf("frames per sale: %d", frames())
	}
}

func BenchmarkZZSaveSaleNoSync(b *testing.B) {
	db := storagetest.NewDB(b)
	must(b, storage.SetSynchronous(db, "OFF"))
	sales := saleMaker(b, db)
	for b.Loop() {
		must(b, db.SaveSale(ctx, sales()))
	}
}
