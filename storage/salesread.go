package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
)

// SearchMax bounds what SearchSales returns: a cashier looking for one
// order reads a screenful, not a year.
const SearchMax = 200

const saleCols = `id, no, at, cashier, training, subtotal_fen, discount_fen, rounding_fen,
	total_fen, entry_id`

// Sale returns the sale with the ID, whole: lines, tenders and journal
// entry. It wraps ErrNotFound when there is none, and ErrCorrupt when the
// stored sale breaks an invariant (Sale.Validate, checked again on reading).
func (db *DB) Sale(ctx context.Context, id string) (*pos.Sale, error) {
	s, err := db.oneSale(ctx, `WHERE id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("storage: sale %s: %w", id, err)
	}
	return s, nil
}

// SaleByNo returns the sale with the order number, as Sale does.
func (db *DB) SaleByNo(ctx context.Context, no string) (*pos.Sale, error) {
	s, err := db.oneSale(ctx, `WHERE no = ?`, no)
	if err != nil {
		return nil, fmt.Errorf("storage: sale no %s: %w", no, err)
	}
	return s, nil
}

// LastSale returns the latest sale (for "reprint the last receipt"), or an
// error wrapping ErrNotFound when no sale was ever saved.
func (db *DB) LastSale(ctx context.Context) (*pos.Sale, error) {
	s, err := db.oneSale(ctx, `ORDER BY at DESC, no DESC LIMIT 1`)
	if err != nil {
		return nil, fmt.Errorf("storage: last sale: %w", err)
	}
	return s, nil
}

// SalesBetween lists sales with from <= At < to, newest first, each whole.
func (db *DB) SalesBetween(ctx context.Context, from, to time.Time) ([]*pos.Sale, error) {
	ss, err := db.salesWhere(ctx, `WHERE at >= ? AND at < ? ORDER BY at DESC, no DESC`,
		formatTime(from), formatTime(to))
	if err != nil {
		return nil, fmt.Errorf("storage: sales from %s to %s: %w", formatTime(from), formatTime(to), err)
	}
	return ss, nil
}

// SearchSales lists up to SearchMax sales with from <= At < to, newest
// first, that pos.Sale.Matches query finds: the order number contains it, or
// the total is exactly the amount it spells ("12.5", "12.50", "¥12.50"). An
// empty query matches every sale in the range.
func (db *DB) SearchSales(ctx context.Context, from, to time.Time, query string) ([]*pos.Sale, error) {
	query = strings.TrimSpace(query)
	// An amount is read as Sale.Matches reads it; -1 matches no total.
	amount := money.Fen(-1)
	if f, err := money.Parse(strings.TrimPrefix(query, "¥")); err == nil {
		amount = f
	}
	ss, err := db.salesWhere(ctx, `WHERE at >= ? AND at < ? AND (? = '' OR instr(no, ?) > 0 OR total_fen = ?)
		ORDER BY at DESC, no DESC LIMIT ?`,
		formatTime(from), formatTime(to), query, query, int64(amount), SearchMax)
	if err != nil {
		return nil, fmt.Errorf("storage: search sales %q: %w", query, err)
	}
	return ss, nil
}

// oneSale returns the first sale salesWhere finds, or ErrNotFound.
func (db *DB) oneSale(ctx context.Context, tail string, args ...any) (*pos.Sale, error) {
	ss, err := db.salesWhere(ctx, tail, args...)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, ErrNotFound
	}
	return ss[0], nil
}

// salesWhere reads the sales `SELECT … FROM sales <tail>` selects, whole and
// validated, in one read transaction: one snapshot for all of them.
func (db *DB) salesWhere(ctx context.Context, tail string, args ...any) ([]*pos.Sale, error) {
	rtx, err := db.read(ctx)
	if err != nil {
		return nil, err
	}
	defer rtx.Rollback() // read only: nothing to undo

	ss, err := saleHeaders(ctx, rtx, tail, args...)
	if err != nil {
		return nil, err
	}
	if err := completeSales(ctx, rtx, ss); err != nil {
		return nil, err
	}
	for _, s := range ss {
		if err := s.Validate(); err != nil { // invariants are checked twice
			return nil, fmt.Errorf("sale %s: %w: %w", s.ID, ErrCorrupt, err)
		}
	}
	return ss, nil
}

// saleHeaders reads sale rows; Entry.ID says which entry to read.
func saleHeaders(ctx context.Context, q querier, tail string, args ...any) ([]*pos.Sale, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+saleCols+` FROM sales `+tail, args...)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []*pos.Sale
	for rows.Next() {
		s, err := scanSaleHeader(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, classify(rows.Err())
}

func scanSaleHeader(rows *sql.Rows) (*pos.Sale, error) {
	s := &pos.Sale{}
	var at string
	err := rows.Scan(&s.ID, &s.No, &at, &s.Cashier, &s.Training, &s.Subtotal, &s.Discount,
		&s.Rounding, &s.Total, &s.Entry.ID)
	if err != nil {
		return nil, classify(err)
	}
	s.At, err = parseTime(at)
	return s, err
}

// completeSales reads the lines, tenders and journal entries of ss with one
// query per table, however many sales there are: exporting a year of sales
// must not cost four queries a sale. The keys go in as a JSON array.
func completeSales(ctx context.Context, q querier, ss []*pos.Sale) error {
	if len(ss) == 0 {
		return nil
	}
	bySale := make(map[string]*pos.Sale, len(ss))
	byEntry := make(map[string]*ledger.Entry, len(ss))
	var saleIDs, entryIDs []string
	for _, s := range ss {
		bySale[s.ID], byEntry[s.Entry.ID] = s, &s.Entry
		saleIDs, entryIDs = append(saleIDs, s.ID), append(entryIDs, s.Entry.ID)
	}
	if err := readLines(ctx, q, jsonArray(saleIDs), bySale); err != nil {
		return err
	}
	if err := readTenders(ctx, q, jsonArray(saleIDs), bySale); err != nil {
		return err
	}
	return readEntries(ctx, q, jsonArray(entryIDs), byEntry)
}

// jsonArray encodes keys for `IN (SELECT value FROM json_each(?))`.
func jsonArray(keys []string) string {
	b, _ := json.Marshal(keys) // a []string always encodes
	return string(b)
}

func readLines(ctx context.Context, q querier, saleIDs string, bySale map[string]*pos.Sale) error {
	const sq = `SELECT sale_id, product_id, barcode, name, unit, category, qty_milli, unit_price_fen,
		gross_fen, discount_fen, amount_fen, old_price_fen FROM sale_lines
		WHERE sale_id IN (SELECT value FROM json_each(?)) ORDER BY sale_id, line_no`
	rows, err := q.QueryContext(ctx, sq, saleIDs)
	if err != nil {
		return fmt.Errorf("lines: %w", classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var l pos.Line
		err := rows.Scan(&id, &l.ProductID, &l.Barcode, &l.Name, &l.Unit, &l.Category, &l.Qty,
			&l.UnitPrice, &l.Gross, &l.Discount, &l.Amount, &l.OldPrice)
		if err != nil {
			return fmt.Errorf("lines: %w", classify(err))
		}
		bySale[id].Lines = append(bySale[id].Lines, l)
	}
	return classify(rows.Err())
}

func readTenders(ctx context.Context, q querier, saleIDs string, bySale map[string]*pos.Sale) error {
	const sq = `SELECT sale_id, kind, amount_fen, received_fen, change_fen, payment_id, ref FROM tenders
		WHERE sale_id IN (SELECT value FROM json_each(?)) ORDER BY sale_id, line_no`
	rows, err := q.QueryContext(ctx, sq, saleIDs)
	if err != nil {
		return fmt.Errorf("tenders: %w", classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var t pos.Tender
		if err := rows.Scan(&id, &t.Kind, &t.Amount, &t.Received, &t.Change, &t.PaymentID, &t.Ref); err != nil {
			return fmt.Errorf("tenders: %w", classify(err))
		}
		bySale[id].Tenders = append(bySale[id].Tenders, t)
	}
	return classify(rows.Err())
}
