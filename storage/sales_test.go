package storage_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

var (
	shanghai = time.FixedZone("CST", 8*3600)
	at       = storagetest.Epoch.Add(5 * time.Minute)
)

// newSale numbers and makes a cash sale of ps at at.
func newSale(t testing.TB, db *storage.DB, id string, at time.Time, ps ...pos.Product) *pos.Sale {
	t.Helper()
	no, err := db.NextSaleNo(ctx, pos.BusinessDay(at, shanghai), "01", "01")
	must(t, err)
	s, err := storagetest.Sale(id, no, at, ps...)
	must(t, err)
	return s
}

func TestSaveSaleRoundTrip(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 5)
	s := newSale(t, db, "s1", at, ps[0], ps[1], ps[4]) // ps[4] is sold by weight
	must(t, db.SaveCart(ctx, &pos.Cart{ID: "s1"}, false))
	must(t, db.SaveSale(ctx, s))

	for name, get := range map[string]func() (*pos.Sale, error){
		"Sale":     func() (*pos.Sale, error) { return db.Sale(ctx, "s1") },
		"SaleByNo": func() (*pos.Sale, error) { return db.SaleByNo(ctx, s.No) },
		"LastSale": func() (*pos.Sale, error) { return db.LastSale(ctx) },
	} {
		got, err := get()
		must(t, err)
		if diff := cmp.Diff(s, got); diff != "" {
			t.Errorf("%s (-saved +read):\n%s", name, diff)
		}
	}
	list, err := db.SalesBetween(ctx, at, at.Add(time.Second))
	must(t, err)
	if len(list) != 1 || !cmp.Equal(s, list[0]) {
		t.Errorf("SalesBetween = %v, want the one sale", list)
	}
	if c, err := db.CurrentCart(ctx); c != nil || err != nil {
		t.Errorf("CurrentCart after the sale = %+v, %v; the sale's cart is done", c, err)
	}
	checkStock(t, db, ps[0].ID, ps[0].Stock-pos.OnePiece)
	checkStock(t, db, ps[4].ID, ps[4].Stock-500)
	checkStock(t, db, ps[2].ID, ps[2].Stock)
	must(t, db.IntegrityCheck(ctx))
}

func TestSaveSaleSplitTenderRoundTrip(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 3)
	s, err := storagetest.SplitSale("s1", "01-01-20261125-0001", at, ps...)
	must(t, err)
	must(t, db.SaveSale(ctx, s))
	got, err := db.Sale(ctx, "s1")
	must(t, err)
	if diff := cmp.Diff(s, got); diff != "" {
		t.Errorf("Sale (-saved +read):\n%s", diff)
	}
}

func checkStock(t *testing.T, db *storage.DB, id int64, want pos.Qty) {
	t.Helper()
	p, err := db.Product(ctx, id)
	must(t, err)
	if p.Stock != want {
		t.Errorf("product %d stock = %v, want %v", id, p.Stock, want)
	}
}

// TestSaveSaleWritesAllOrNothing: a sale refused for any reason leaves no
// row anywhere: no entry, no postings, no stock move, the cart still there.
func TestSaveSaleWritesAllOrNothing(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 3)
	first := newSale(t, db, "s1", at, ps[0])
	must(t, db.SaveSale(ctx, first))

	sameID := newSale(t, db, "s1", at, ps[1])
	sameID.Entry.ID = "e-other" // only the sale ID repeats
	sameNo, err := storagetest.Sale("s2", first.No, at, ps[1])
	must(t, err)
	unknown := newSale(t, db, "s3", at, ps[1])
	unknown.Lines[0].ProductID = 999
	broken := newSale(t, db, "s4", at, ps[1])
	broken.Tenders[0].Amount++

	for _, tt := range []struct {
		name string
		s    *pos.Sale
		code pos.Code
	}{
		{"same sale again", first, pos.CodeConflict},
		{"another sale with the ID", sameID, pos.CodeConflict},
		{"another sale with the number", sameNo, pos.CodeConflict},
		{"unknown product", unknown, pos.CodeNotFound},
		{"tenders do not pay the total", broken, pos.CodeInternal},
	} {
		must(t, db.SaveCart(ctx, &pos.Cart{ID: tt.s.ID}, false))
		before := snapshot(t, db)
		err := db.SaveSale(ctx, tt.s)
		if err == nil || pos.ErrorCode(err) != tt.code {
			t.Errorf("%s: SaveSale = %v, want code %s", tt.name, err, tt.code)
		}
		if after := snapshot(t, db); after != before {
			t.Errorf("%s: a refused sale changed the database:\nbefore %s\nafter  %s", tt.name, before, after)
		}
		must(t, db.DeleteCart(ctx, tt.s.ID))
	}
}

// snapshot summarises every table SaveSale writes.
func snapshot(t *testing.T, db *storage.DB) string {
	t.Helper()
	raw := rawDB(t, db.Path())
	out := ""
	tables := []string{"sales", "sale_lines", "tenders", "journal_entries", "postings", "stock_moves", "carts"}
	for _, table := range tables {
		out += fmt.Sprintf("%s=%d ", table, count(t, raw, table))
	}
	var stock int64
	must(t, raw.QueryRow(`SELECT sum(stock_milli) FROM products`).Scan(&stock))
	must(t, raw.Close())
	return out + fmt.Sprintf("stock=%d", stock)
}

func TestNextSaleNo(t *testing.T) {
	db := storagetest.NewDB(t)
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, shanghai)
	next := func(day time.Time, till string) string {
		t.Helper()
		no, err := db.NextSaleNo(ctx, day, "01", till)
		must(t, err)
		return no
	}
	got := []string{next(day, "01"), next(day, "01"), next(day, "02"), next(day.AddDate(0, 0, 1), "01"),
		next(day, "01")}
	want := []string{"01-01-20261125-0001", "01-01-20261125-0002", "01-02-20261125-0001",
		"01-01-20261126-0001", "01-01-20261125-0003"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NextSaleNo (-want +got):\n%s", diff)
	}
	path := db.Path()
	must(t, db.Close())
	db2, err := storage.Open(path)
	must(t, err)
	defer db2.Close()
	if no, err := db2.NextSaleNo(ctx, day, "01", "01"); err != nil || no != "01-01-20261125-0004" {
		t.Errorf("after reopening, NextSaleNo = %s, %v; want 0004", no, err)
	}
	if _, err := db2.NextSaleNo(ctx, time.Time{}, "01", "01"); pos.ErrorCode(err) != pos.CodeInvalid {
		t.Errorf("NextSaleNo(zero day) = %v, want CodeInvalid", err)
	}
}

func TestSalesBetweenAndSearch(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 4)
	var saved []*pos.Sale
	for i := range 6 {
		s := newSale(t, db, fmt.Sprintf("s%d", i), at.Add(time.Duration(i)*time.Hour), ps[:1+i%4]...)
		must(t, db.SaveSale(ctx, s))
		saved = append(saved, s)
	}
	got, err := db.SalesBetween(ctx, saved[1].At, saved[4].At) // [from, to)
	must(t, err)
	if ids := saleIDs(got); ids != "s3 s2 s1" {
		t.Errorf("SalesBetween = %s, want s3 s2 s1 (newest first, to excluded)", ids)
	}
	from, to := at.Add(-time.Hour), at.Add(24*time.Hour)
	for _, q := range []string{"", "0003", "20261125", "-0006", saved[2].Total.String(), "¥" + saved[2].Total.String(),
		"9999", "abc", "1.234"} {
		got, err := db.SearchSales(ctx, from, to, q)
		must(t, err)
		var want []*pos.Sale
		for i := len(saved) - 1; i >= 0; i-- { // pos decides what matches
			if saved[i].Matches(q) {
				want = append(want, saved[i])
			}
		}
		if ids, want := saleIDs(got), saleIDs(want); ids != want || want == "" && q == "" {
			t.Errorf("SearchSales(%q) = %q, want %q (as Sale.Matches)", q, ids, want)
		}
	}
}

func saleIDs(ss []*pos.Sale) string {
	ids := make([]string, len(ss))
	for i, s := range ss {
		ids[i] = s.ID
	}
	return strings.Join(ids, " ")
}

func TestLastSaleWhenNone(t *testing.T) {
	db := storagetest.NewDB(t)
	if _, err := db.LastSale(ctx); !errors.Is(err, storage.ErrNotFound) || pos.ErrorCode(err) != pos.CodeNotFound {
		t.Errorf("LastSale on a new database = %v, want ErrNotFound", err)
	}
	if _, err := db.Sale(ctx, "nope"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Sale(nope) = %v, want ErrNotFound", err)
	}
}

// TestBusinessDayFollowsSettings: 00:30 in Beijing is the next day there.
func TestBusinessDayFollowsSettings(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 1)
	late := time.Date(2026, 11, 25, 16, 30, 0, 0, time.UTC)
	must(t, db.SaveSale(ctx, newSale(t, db, "s1", late, ps[0])))
	set := pos.DefaultSettings()
	set.TimeZone = "UTC"
	must(t, db.SaveSettings(ctx, set))
	must(t, db.SaveSale(ctx, newSale(t, db, "s2", late, ps[0])))

	raw := rawDB(t, db.Path())
	for id, want := range map[string]string{"s1": "2026-11-26", "s2": "2026-11-25"} {
		var day string
		must(t, raw.QueryRow(`SELECT business_day FROM sales WHERE id = ?`, id).Scan(&day))
		if day != want {
			t.Errorf("sale %s business_day = %s, want %s", id, day, want)
		}
	}
}

func TestEntriesAndTrialBalance(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 3)
	var entries []ledger.Entry
	for i := range 4 {
		s := newSale(t, db, fmt.Sprintf("s%d", i), at.Add(time.Duration(i)*time.Minute), ps[:1+i%3]...)
		if i%2 == 1 {
			var err error
			s, err = storagetest.SplitSale(s.ID, s.No, s.At, ps...)
			must(t, err)
		}
		must(t, db.SaveSale(ctx, s))
		entries = append(entries, s.Entry)
	}
	got, err := db.Entries(ctx, entries[1].At, entries[3].At)
	must(t, err)
	if diff := cmp.Diff(entries[1:3], got); diff != "" {
		t.Errorf("Entries (-want +got):\n%s", diff)
	}
	tb, err := db.TrialBalance(ctx)
	must(t, err)
	if diff := cmp.Diff(ledger.Balances(entries), tb); diff != "" {
		t.Errorf("TrialBalance (-want +got):\n%s", diff)
	}
	var sum money.Fen
	for _, b := range tb {
		sum += b
	}
	if sum != 0 {
		t.Errorf("trial balance sums to %v, want 0", sum)
	}
}
