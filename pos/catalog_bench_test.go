package pos_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// syllables are (hanzi, pinyin) pairs the synthetic catalogue names are made of.
var syllables = [][2]string{
	{"可", "ke"}, {"口", "kou"}, {"乐", "le"}, {"农", "nong"}, {"夫", "fu"}, {"山", "shan"}, {"泉", "quan"},
	{"牛", "niu"}, {"奶", "nai"}, {"面", "mian"}, {"红", "hong"}, {"烧", "shao"}, {"肉", "rou"}, {"苹", "ping"},
	{"果", "guo"}, {"茶", "cha"}, {"米", "mi"}, {"油", "you"}, {"盐", "yan"}, {"糖", "tang"}, {"饼", "bing"},
	{"干", "gan"}, {"薯", "shu"}, {"片", "pian"}, {"纸", "zhi"}, {"巾", "jin"}, {"香", "xiang"}, {"皂", "zao"},
}

// bigCatalog makes n products with EAN-13 codes and Chinese names of 3–6 syllables.
func bigCatalog(n int) ([]pos.Product, *pos.Catalog) {
	r := rand.New(rand.NewPCG(7, 8))
	ps := make([]pos.Product, n)
	for i := range ps {
		body := fmt.Sprintf("69%010d", i)
		var name, py, ini string
		for k := 0; k < 3+r.IntN(4); k++ {
			s := syllables[r.IntN(len(syllables))]
			name, py, ini = name+s[0], py+s[1], ini+s[1][:1]
		}
		ps[i] = pos.Product{ID: int64(i + 1), Barcode: body + string('0'+pos.CheckDigit(body)), Name: name,
			Pinyin: py, Initials: ini, Unit: "个", Price: money.Fen(100 + r.IntN(10000)), Active: true}
	}
	return ps, pos.NewCatalog(ps)
}

// p99 reports the 99th percentile of the timings as a metric.
func p99(b *testing.B, ts []time.Duration) {
	slices.Sort(ts)
	b.ReportMetric(float64(ts[len(ts)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(ts[len(ts)/2].Microseconds()), "p50-µs")
}

// BenchmarkBarcodeLookup100k: the target is p99 under 1 ms.
func BenchmarkBarcodeLookup100k(b *testing.B) {
	ps, c := bigCatalog(100_000)
	ts := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		if _, err := c.ByBarcode(ps[(i*7919)%len(ps)].Barcode); err != nil {
			b.Fatal(err)
		}
		ts = append(ts, time.Since(t0))
	}
	p99(b, ts)
}

// BenchmarkSearch100k types queries as a cashier does, one letter at a time:
// pinyin initials, full pinyin and Chinese substrings. Target p99 under 20 ms.
func BenchmarkSearch100k(b *testing.B) {
	_, c := bigCatalog(100_000)
	queries := []string{"k", "kk", "kkl", "n", "nf", "nfs", "niu", "niunai", "可口", "红烧肉", "zhijin", "xyz", "690000012"}
	ts := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		c.Search(queries[i%len(queries)], 8)
		ts = append(ts, time.Since(t0))
	}
	p99(b, ts)
}
