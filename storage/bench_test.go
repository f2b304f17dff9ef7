package storage_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

// The speed targets (DESIGN.md): a durable sale commit within 2x of a bare
// 4 KiB write + fsync on the same disk, and a cold start that loads a
// 100,000-item catalogue quickly.

// BenchmarkSaveSale is one durable sale commit (synchronous=FULL): a sale of
// three lines with its tender, journal entry, postings and stock moves.
// Besides wall time it reports the CPU time per commit, which other work
// on the machine hardly changes.
func BenchmarkSaveSale(b *testing.B) {
	db := storagetest.NewDB(b)
	sales := saleMaker(b, db)
	cpu0 := cpuTime(b)
	for b.Loop() {
		must(b, db.SaveSale(ctx, sales()))
	}
	b.ReportMetric(float64((cpuTime(b)-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// cpuTime returns the CPU time (user and system) the process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	must(b, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWriteFsync4K is the floor a commit is measured against: write
// 4 KiB to a file in the same kind of directory and fsync it.
func BenchmarkWriteFsync4K(b *testing.B) {
	f := fsyncFile(b)
	buf := make([]byte, 4096)
	for b.Loop() {
		must(b, writeFsync(f, buf))
	}
}

// BenchmarkCommitVsFsync measures both sides in the same run, interleaved,
// and reports the ratio of their medians; the target is at most 2.
func BenchmarkCommitVsFsync(b *testing.B) {
	db := storagetest.NewDB(b)
	sales := saleMaker(b, db)
	f := fsyncFile(b)
	buf := make([]byte, 4096)
	var commits, fsyncs []time.Duration
	for b.Loop() {
		s := sales()
		start := time.Now()
		must(b, db.SaveSale(ctx, s))
		mid := time.Now()
		must(b, writeFsync(f, buf))
		commits, fsyncs = append(commits, mid.Sub(start)), append(fsyncs, time.Since(mid))
	}
	c, w := median(commits), median(fsyncs)
	b.ReportMetric(float64(c.Nanoseconds()), "commit-median-ns")
	b.ReportMetric(float64(w.Nanoseconds()), "fsync4k-median-ns")
	b.ReportMetric(float64(c)/float64(w), "commit/fsync")
}

// saleMaker seeds products and returns a function making the next sale.
func saleMaker(b *testing.B, db *storage.DB) func() *pos.Sale {
	ps := storagetest.Seed(b, db, 100)
	i := 0
	return func() *pos.Sale {
		i++
		id := fmt.Sprintf("b%d", i)
		s, err := storagetest.Sale(id, fmt.Sprintf("01-01-20261125-%06d", i), storagetest.Epoch,
			ps[i%100], ps[(i+1)%100], ps[(i+2)%100])
		must(b, err)
		return s
	}
}

func fsyncFile(b *testing.B) *os.File {
	f, err := os.OpenFile(filepath.Join(b.TempDir(), "fsync"), os.O_RDWR|os.O_CREATE, 0o600)
	must(b, err)
	b.Cleanup(func() { f.Close() })
	return f
}

func writeFsync(f *os.File, buf []byte) error {
	if _, err := f.WriteAt(buf, 0); err != nil {
		return err
	}
	return f.Sync()
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkProductsLoad100k is the catalogue part of a cold start with
// 100,000 products, seeded once: Products alone, Open (with its
// quick_check), and Open + Products + pos.NewCatalog together.
func BenchmarkProductsLoad100k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "zhanggui.db")
	db, err := storage.Open(path)
	must(b, err)
	must(b, db.ImportProducts(ctx, storagetest.Products(100_000)))
	b.Run("Products", func(b *testing.B) {
		for b.Loop() {
			if ps, err := db.Products(ctx); err != nil || len(ps) != 100_000 {
				b.Fatalf("Products = %d, %v", len(ps), err)
			}
		}
	})
	must(b, db.Close())
	b.Run("Open", func(b *testing.B) {
		for b.Loop() {
			db, err := storage.Open(path)
			must(b, err)
			must(b, db.Close())
		}
	})
	b.Run("ColdStart", func(b *testing.B) {
		for b.Loop() {
			db, err := storage.Open(path)
			must(b, err)
			ps, err := db.Products(ctx)
			must(b, err)
			if pos.NewCatalog(ps).Len() != 100_000 {
				b.Fatal("catalogue incomplete")
			}
			must(b, db.Close())
		}
	})
}

// BenchmarkSalesBetween1k reads 1,000 whole sales (a busy week), as the
// orders screen and the exports do.
func BenchmarkSalesBetween1k(b *testing.B) {
	db := storagetest.NewDB(b)
	sales := saleMaker(b, db)
	for range 1000 {
		must(b, db.SaveSale(ctx, sales()))
	}
	for b.Loop() {
		ss, err := db.SalesBetween(ctx, time.Time{}, storagetest.Epoch.Add(time.Hour))
		if err != nil || len(ss) != 1000 {
			b.Fatalf("SalesBetween = %d sales, %v", len(ss), err)
		}
	}
}
