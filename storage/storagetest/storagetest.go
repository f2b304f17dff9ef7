// Package storagetest gives tests a real, migrated SQLite database in a
// temporary directory, with the production settings, and synthetic data to
// fill it. It must only be imported by tests and benchmarks.
package storagetest

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/storage"
)

// Epoch is the time NewDB's clock starts at: 2026-11-25 10:00 in Beijing.
var Epoch = time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)

// NewDB opens a migrated database in t.TempDir() with the production
// settings (WAL, synchronous=FULL, ...) and closes it when the test ends.
// Its clock is Clock(Epoch).
func NewDB(t testing.TB) *storage.DB {
	t.Helper()
	db, err := storage.Open(filepath.Join(t.TempDir(), "zhanggui.db"))
	if err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	db.Now = Clock(Epoch)
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("storagetest: close: %v", err)
		}
	})
	return db
}

// Clock returns a clock that starts at start and moves one second each time
// it is read, so every transaction has its own time and tests never sleep.
func Clock(start time.Time) func() time.Time {
	var mu sync.Mutex
	now := start.Add(-time.Second)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(time.Second)
		return now
	}
}

// Products returns n synthetic products with valid EAN-13 barcodes
// (prefix 20, for in-store use), Chinese names, a few categories and units,
// prices from ¥1.00 up, every fifth sold by weight, and 100 units of stock.
// The same n gives the same products.
func Products(n int) []pos.Product {
	names := []string{"可口可乐", "农夫山泉", "康师傅红烧牛肉面", "乐事薯片", "红富士苹果", "蒙牛纯牛奶", "旺旺雪饼", "青岛啤酒"}
	cats := []string{"饮料", "饮料", "方便食品", "零食", "水果", "乳品", "零食", "酒水"}
	out := make([]pos.Product, n)
	for i := range out {
		k := i % len(names)
		body := fmt.Sprintf("20%010d", i+1)
		p := pos.Product{
			Barcode: body + string('0'+pos.CheckDigit(body)),
			Name:    fmt.Sprintf("%s %d号", names[k], i+1), Category: cats[k], Unit: "个",
			Price: money.Fen(100 + i*37%5000), Active: true, Stock: 100 * pos.OnePiece,
		}
		if i%5 == 4 {
			p.ByWeight, p.Unit = true, "kg"
		}
		out[i] = p
	}
	return out
}

// Seed imports Products(n) into db and returns them as stored, with IDs.
func Seed(t testing.TB, db *storage.DB, n int) []pos.Product {
	t.Helper()
	ctx := context.Background()
	if err := db.ImportProducts(ctx, Products(n)); err != nil {
		t.Fatalf("storagetest: seed %d products: %v", n, err)
	}
	ps, err := db.Products(ctx)
	if err != nil {
		t.Fatalf("storagetest: seed: %v", err)
	}
	return ps
}

// Sale returns a valid sale of ps, numbered no, at at: one piece of each
// product (0.5 kg of a weighed one), 5% off the order, paid all in cash with
// the fen dropped (抹零) and change from the next ¥10 note. Its entry ID is
// "e-" + id, and it deletes the cart saved under id when saved.
func Sale(id, no string, at time.Time, ps ...pos.Product) (*pos.Sale, error) {
	c, err := cart(id, ps)
	if err != nil {
		return nil, err
	}
	due, rounding := c.Due(pos.RoundJiao, true)
	td, err := pos.CashTender(due, due-due%1000+1000)
	if err != nil {
		return nil, err
	}
	return c.Checkout(pos.Checkout{ID: id, No: no, EntryID: "e-" + id, At: at, Cashier: "收银员",
		Rounding: rounding, Tenders: []pos.Tender{td}})
}

// SplitSale is like Sale without rounding, paid half by Alipay (with a
// payment ID and trade number) and the rest in cash.
func SplitSale(id, no string, at time.Time, ps ...pos.Product) (*pos.Sale, error) {
	c, err := cart(id, ps)
	if err != nil {
		return nil, err
	}
	due, _ := c.Due(pos.RoundNone, false)
	half := due / 2
	tenders := []pos.Tender{
		{Kind: pos.TenderAlipay, Amount: half, PaymentID: "pay-" + id, Ref: "2026112522001400000000" + id},
		{Kind: pos.TenderCash, Amount: due - half, Received: due - half, Change: 0},
	}
	return c.Checkout(pos.Checkout{ID: id, No: no, EntryID: "e-" + id, At: at, Cashier: "店主",
		Tenders: tenders})
}

func cart(id string, ps []pos.Product) (*pos.Cart, error) {
	c := &pos.Cart{ID: id}
	for _, p := range ps {
		q := pos.OnePiece
		if p.ByWeight {
			q = 500
		}
		if err := c.Add(p, q); err != nil {
			return nil, err
		}
	}
	return c, c.SetDiscount(pos.Discount{Percent: 500})
}
