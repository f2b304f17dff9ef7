package storage_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

// bjt is a time on 2026-11-25 in Beijing, days later.
func bjt(days, h, m int) time.Time {
	return time.Date(2026, 11, 25+days, h, m, 0, 0, shanghai)
}

// refund saves a refund of tender i of s, made at at, in state.
func refund(t *testing.T, db *storage.DB, s *pos.Sale, i int, amount int64, id string, at time.Time, state pos.RefundState) pos.Refund {
	t.Helper()
	r, err := pos.NewRefund(s, i, money.Fen(amount), nil, id, "", at)
	must(t, err)
	switch state {
	case pos.RefundDone:
		r, err = r.Done("e-"+id, at)
		must(t, err)
	case pos.RefundFailed:
		r.State = pos.RefundFailed
	}
	must(t, db.SaveRefund(ctx, r, nil))
	return r
}

// reportDay saves sales around 2026-11-25 and refunds; it returns the
// sales and the refunds that the report of that day must count.
func reportDay(t *testing.T, db *storage.DB) (day []*pos.Sale, done []pos.Refund, all []*pos.Sale) {
	t.Helper()
	ps := storagetest.Seed(t, db, 5)
	s1 := newSale(t, db, "s1", bjt(0, 10, 0), ps[0], ps[1]) // cash with 抹零
	s1.Training = true                                      // counted like any other
	no, err := db.NextSaleNo(ctx, bjt(0, 0, 0), "01", "01")
	must(t, err)
	s2, err := storagetest.SplitSale("s2", no, bjt(0, 14, 30).UTC(), ps[2], ps[4]) // 店主, Alipay + cash
	must(t, err)
	s0 := newSale(t, db, "s0", bjt(0, 0, 0).Add(-time.Second), ps[3]) // the day before
	s3 := newSale(t, db, "s3", bjt(1, 0, 0), ps[0])                   // the day after
	for _, s := range []*pos.Sale{s1, s2, s0, s3} {
		must(t, db.SaveSale(ctx, s))
	}
	r0 := refund(t, db, s0, 0, 100, "r0", bjt(0, 16, 5).UTC(), pos.RefundDone) // yesterday's sale, refunded today
	r2 := refund(t, db, s2, 1, 100, "r2", bjt(0, 15, 0).UTC(), pos.RefundDone) // today's
	refund(t, db, s2, 0, 100, "r3", bjt(0, 15, 10).UTC(), pos.RefundPending)   // not done: not counted
	refund(t, db, s1, 0, 100, "r4", bjt(0, 15, 20).UTC(), pos.RefundFailed)    // failed: not counted
	refund(t, db, s1, 0, 50, "r5", bjt(1, 9, 0).UTC(), pos.RefundDone)         // tomorrow
	return []*pos.Sale{s1, s2}, []pos.Refund{r2, r0}, []*pos.Sale{s0, s1, s2, s3}
}

func TestSalesReportReadsTheDay(t *testing.T) {
	db := storagetest.NewDB(t)
	day, done, all := reportDay(t, db)
	got, err := db.SalesReport(ctx, bjt(0, 0, 0), bjt(1, 0, 0))
	must(t, err)

	// The report equals what pos makes of the same sales and refunds.
	b := pos.NewReportBuilder(bjt(0, 0, 0), bjt(1, 0, 0), shanghai)
	for _, s := range day {
		b.AddSale(s)
	}
	for _, r := range done {
		b.AddRefund(r, all[slices.IndexFunc(all, func(s *pos.Sale) bool { return s.ID == r.SaleID })])
	}
	want := b.Report()
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	// And in plain figures:
	if got.Total.Count != 2 || got.Total.Gross != day[0].Subtotal+day[1].Subtotal ||
		got.Total.Takings() != day[0].Total+day[1].Total || got.Total.Refunds != 200 || got.Total.RefundCount != 2 {
		t.Errorf("total %+v", got.Total)
	}
	var hours []string
	for _, h := range got.Hours {
		hours = append(hours, h.Key)
	}
	if want := []string{"10", "11", "12", "13", "14", "15", "16"}; !slices.Equal(hours, want) {
		t.Errorf("hours %v, want %v", hours, want)
	}
	if c := got.Channels; len(c) != 2 || c[0].Key != "cash" || c[0].Refunds != 200 || c[1].Key != "alipay" || c[1].Refunds != 0 {
		t.Errorf("channels %+v", c)
	}
}

func TestSalesReportRange(t *testing.T) {
	db := storagetest.NewDB(t)
	reportDay(t, db)
	r, err := db.SalesReport(ctx, bjt(-1, 0, 0), bjt(2, 0, 0))
	must(t, err)
	if r.Total.Count != 4 || r.Total.Refunds != 250 || r.Total.RefundCount != 3 {
		t.Errorf("three days: %+v", r.Total)
	}
	if !r.From.Equal(bjt(-1, 0, 0)) || !r.LastDay().Equal(bjt(1, 0, 0)) {
		t.Errorf("period %v – %v", r.From, r.LastDay())
	}
	// A day without sales is an empty report, not an error.
	r, err = db.SalesReport(ctx, bjt(5, 0, 0), bjt(6, 0, 0))
	if err != nil || r.Total != (pos.ReportRow{}) || len(r.Products) != 0 {
		t.Errorf("empty day: %+v, %v", r, err)
	}
	if _, err := db.SalesReport(ctx, bjt(1, 0, 0), bjt(1, 12, 0)); pos.ErrorCode(err) != pos.CodeInvalid {
		t.Errorf("to on the day of from: %v", err)
	}
}

// BenchmarkSalesReport reports a day of 100,002 sale lines (33,334 sales
// of three lines, half of them split between Alipay and cash).
func BenchmarkSalesReport(b *testing.B) {
	path := filepath.Join(b.TempDir(), "zhanggui.db")
	db, err := storage.Open(path)
	must(b, err)
	b.Cleanup(func() { db.Close() })
	const sales = 33_334
	fillSales(b, path, sales)
	from := bjt(0, 0, 0)
	var lines int
	for b.Loop() {
		r, err := db.SalesReport(ctx, from, from.AddDate(0, 0, 1))
		must(b, err)
		lines = pos.Sum(r.Products).Count
	}
	if lines != 3*sales {
		b.Fatalf("report counted %d lines, want %d", lines, 3*sales)
	}
	b.ReportMetric(float64(lines), "lines")
}

// fillSales writes n sales of the day straight into the file in one
// transaction: through SaveSale each would cost an fsync. Only the rows
// the report reads are written (no postings, no stock moves).
func fillSales(b *testing.B, path string, n int) {
	raw, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=0")
	must(b, err)
	defer raw.Close()
	tx, err := raw.Begin()
	must(b, err)
	ps := storagetest.Products(300)
	stmts := map[string]*sql.Stmt{}
	for name, q := range map[string]string{
		"entry": `INSERT INTO journal_entries (id, at, ref, memo) VALUES (?, ?, ?, '')`,
		"sale": `INSERT INTO sales (id, no, at, business_day, cashier, training, subtotal_fen, discount_fen,
			rounding_fen, total_fen, entry_id) VALUES (?, ?, ?, '2026-11-25', ?, 0, ?, ?, ?, ?, ?)`,
		"line": `INSERT INTO sale_lines (sale_id, line_no, product_id, barcode, name, unit, category, qty_milli,
			unit_price_fen, gross_fen, discount_fen, amount_fen) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		"tender": `INSERT INTO tenders (sale_id, line_no, kind, amount_fen, received_fen, change_fen, payment_id, ref)
			VALUES (?, ?, ?, ?, 0, 0, '', '')`,
	} {
		stmts[name], err = tx.Prepare(q)
		must(b, err)
	}
	for i := range n {
		at := bjt(0, 7, 0).Add(time.Duration(i) * time.Second).UTC()
		no := fmt.Sprintf("01-01-20261125-%06d", i)
		s, err := storagetest.SplitSale(fmt.Sprint("b", i), no, at, ps[i%300], ps[(i+7)%300], ps[(i+31)%300])
		must(b, err)
		if i%2 == 0 {
			s.Tenders = []pos.Tender{{Kind: pos.TenderCash, Amount: s.Total}}
		}
		execAll(b, stmts, s, i)
	}
	must(b, tx.Commit())
}

func execAll(b *testing.B, stmts map[string]*sql.Stmt, s *pos.Sale, i int) {
	at := s.At.UTC().Format("2006-01-02T15:04:05.000000000Z07:00") // as storage writes times
	_, err := stmts["entry"].Exec(s.Entry.ID, at, s.ID)
	must(b, err)
	_, err = stmts["sale"].Exec(s.ID, s.No, at, []string{"收银员", "店主"}[i%2], int64(s.Subtotal), int64(s.Discount),
		int64(s.Rounding), int64(s.Total), s.Entry.ID)
	must(b, err)
	for j, l := range s.Lines {
		_, err = stmts["line"].Exec(s.ID, j, l.Barcode, l.Name, l.Unit, l.Category, int64(l.Qty), int64(l.UnitPrice),
			int64(l.Gross), int64(l.Discount), int64(l.Amount))
		must(b, err)
	}
	for j, td := range s.Tenders {
		_, err = stmts["tender"].Exec(s.ID, j, string(td.Kind), int64(td.Amount))
		must(b, err)
	}
}
