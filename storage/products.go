package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

const productCols = `id, barcode, name, pinyin, initials, COALESCE(category, ''), unit,
	price_fen, member_price_fen, by_weight, active, stock_milli`

type scanner interface{ Scan(dest ...any) error }

// scanProduct reads a row of productCols. Numbers are scanned into int64,
// not into money.Fen or pos.Qty: database/sql converts into a named type by
// reflection and a round trip through text, which loading 100,000 products
// at start-up pays 500,000 times.
func scanProduct(sc scanner) (pos.Product, error) {
	var p pos.Product
	var price, member, byWeight, active, stock int64
	err := sc.Scan(&p.ID, &p.Barcode, &p.Name, &p.Pinyin, &p.Initials, &p.Category, &p.Unit,
		&price, &member, &byWeight, &active, &stock)
	p.Price, p.MemberPrice, p.Stock = money.Fen(price), money.Fen(member), pos.Qty(stock)
	p.ByWeight, p.Active = byWeight != 0, active != 0
	return p, classify(err)
}

// Products returns the whole catalogue, active or not, in the order added.
func (db *DB) Products(ctx context.Context) ([]pos.Product, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT `+productCols+` FROM products ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("storage: products: %w", classify(err))
	}
	defer rows.Close()
	var out []pos.Product
	for rows.Next() {
		p, err := scanProduct(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: products: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: products: %w", classify(err))
	}
	return out, nil
}

// Product returns the product with the ID, or an error wrapping ErrNotFound.
func (db *DB) Product(ctx context.Context, id int64) (pos.Product, error) {
	p, err := productByID(ctx, db.ro, id)
	if err != nil {
		return p, fmt.Errorf("storage: product %d: %w", id, err)
	}
	return p, nil
}

func productByID(ctx context.Context, q querier, id int64) (pos.Product, error) {
	p, err := scanProduct(q.QueryRowContext(ctx, `SELECT `+productCols+` FROM products WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	return p, err
}

// SaveProduct inserts (ID 0) or updates a product and returns it as stored.
// It normalises the barcode as a scan would (pos.ParseBarcode), computes
// Pinyin and Initials from the name, validates with Product.Validate (a
// pos.CodeInvalid error) and adds the category if it is new. A barcode used
// by another product is a pos.CodeConflict error; an unknown ID wraps
// ErrNotFound.
//
// Stock changes only by stock moves: a new product's Stock becomes its
// opening move, and an update leaves the stock as it is (a sale made while
// the form was open must not be lost).
func (db *DB) SaveProduct(ctx context.Context, p pos.Product) (pos.Product, error) {
	p, err := prepareProduct(p)
	if err != nil {
		return p, fmt.Errorf("storage: save product %s: %w", p.Barcode, err)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return p, fmt.Errorf("storage: save product %s: %w", p.Barcode, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	var old *pos.Product
	if p.ID == 0 {
		p.ID, err = insertProduct(ctx, tx, p)
	} else if old, err = oldProduct(ctx, tx, p.ID); err == nil {
		err = updateProduct(ctx, tx, p)
	}
	if err != nil {
		return p, fmt.Errorf("storage: save product %s: %w", p.Barcode, err)
	}
	if p, err = productByID(ctx, tx, p.ID); err != nil {
		return p, fmt.Errorf("storage: save product %s: %w", p.Barcode, err)
	}
	if err := auditProduct(ctx, tx, old, p); err != nil {
		return p, fmt.Errorf("storage: save product %s: %w", p.Barcode, err)
	}
	if err := tx.Commit(); err != nil {
		return p, fmt.Errorf("storage: save product %s: commit: %w", p.Barcode, classify(err))
	}
	return p, nil
}

// ImportProducts saves all products in one transaction, matched by barcode:
// a known barcode updates that product (its stock stays), a new one is
// inserted with its Stock as the opening move. Missing categories are
// added. All are validated first; one bad product fails the whole import,
// naming its position, and nothing is written.
func (db *DB) ImportProducts(ctx context.Context, ps []pos.Product) error {
	prepared := make([]pos.Product, len(ps))
	for i, p := range ps {
		var err error
		if prepared[i], err = prepareProduct(p); err != nil {
			return fmt.Errorf("storage: import products: product %d (%s): %w", i+1, p.Barcode, err)
		}
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: import products: %w", err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	for i, p := range prepared {
		if err := upsertProduct(ctx, tx, p); err != nil {
			return fmt.Errorf("storage: import products: product %d (%s): %w", i+1, p.Barcode, err)
		}
	}
	_, err = appendAudit(ctx, tx, pos.AuditEvent{Kind: pos.AuditProduct, Subject: "catalogue:import",
		Data: pos.AuditData(map[string]any{"products": len(prepared)})})
	if err != nil {
		return fmt.Errorf("storage: import products: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: import products: commit: %w", classify(err))
	}
	return nil
}

// oldProduct reads product id as it was before an edit.
func oldProduct(ctx context.Context, tx *tx, id int64) (*pos.Product, error) {
	p, err := productByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// auditProduct records a new product, or an edit with the old and new
// price (price edits are what an audit of the catalogue looks for).
func auditProduct(ctx context.Context, tx *tx, old *pos.Product, p pos.Product) error {
	d := map[string]any{"barcode": p.Barcode, "name": p.Name, "price_fen": int64(p.Price),
		"member_price_fen": int64(p.MemberPrice), "active": p.Active}
	if old != nil {
		d["old_name"], d["old_price_fen"] = old.Name, int64(old.Price)
		d["old_member_price_fen"], d["old_active"] = int64(old.MemberPrice), old.Active
	}
	_, err := appendAudit(ctx, tx, pos.AuditEvent{Kind: pos.AuditProduct,
		Subject: fmt.Sprintf("product:%d", p.ID), Data: pos.AuditData(d)})
	return err
}

// prepareProduct normalises what the owner typed or imported, fills the
// search keys and validates.
func prepareProduct(p pos.Product) (pos.Product, error) {
	if code, _, err := pos.ParseBarcode(p.Barcode); err == nil {
		p.Barcode = code // the form a scan is looked up by
	}
	p.Name = strings.TrimSpace(p.Name)
	p.Category = strings.TrimSpace(p.Category)
	p.Unit = strings.TrimSpace(p.Unit)
	p.Pinyin, p.Initials = searchKeys(p.Name)
	return p, p.Validate()
}

// upsertProduct updates the product with p's barcode, or inserts p.
func upsertProduct(ctx context.Context, tx *tx, p pos.Product) error {
	err := tx.QueryRowContext(ctx, `SELECT id FROM products WHERE barcode = ?`, p.Barcode).Scan(&p.ID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = insertProduct(ctx, tx, p)
		return err
	case err != nil:
		return classify(err)
	}
	return updateProduct(ctx, tx, p)
}

// insertProduct inserts p with no stock, then books its opening stock as a
// move, so stock_milli stays the sum of the moves.
func insertProduct(ctx context.Context, tx *tx, p pos.Product) (int64, error) {
	if err := addCategory(ctx, tx, p.Category); err != nil {
		return 0, err
	}
	const q = `INSERT INTO products (barcode, name, pinyin, initials, category, unit, price_fen,
		member_price_fen, by_weight, active, stock_milli, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?) RETURNING id`
	var id int64
	err := tx.QueryRowContext(ctx, q, p.Barcode, p.Name, p.Pinyin, p.Initials, nullable(p.Category),
		p.Unit, int64(p.Price), int64(p.MemberPrice), boolInt(p.ByWeight), boolInt(p.Active),
		formatTime(tx.now)).Scan(&id)
	if err != nil {
		return 0, classify(err)
	}
	if p.Stock != 0 {
		return id, moveStock(ctx, tx, id, "", moveInitial, p.Stock)
	}
	return id, nil
}

// updateProduct changes everything about product p.ID but its stock.
func updateProduct(ctx context.Context, tx *tx, p pos.Product) error {
	if err := addCategory(ctx, tx, p.Category); err != nil {
		return err
	}
	const q = `UPDATE products SET barcode = ?, name = ?, pinyin = ?, initials = ?, category = ?,
		unit = ?, price_fen = ?, member_price_fen = ?, by_weight = ?, active = ?, updated_at = ?
		WHERE id = ?`
	res, err := tx.ExecContext(ctx, q, p.Barcode, p.Name, p.Pinyin, p.Initials, nullable(p.Category),
		p.Unit, int64(p.Price), int64(p.MemberPrice), boolInt(p.ByWeight), boolInt(p.Active),
		formatTime(tx.now), p.ID)
	if err != nil {
		return classify(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("product %d: %w", p.ID, ErrNotFound)
	}
	return nil
}

// addCategory adds a category unless it exists; "" is no category.
func addCategory(ctx context.Context, tx *tx, name string) error {
	if name == "" {
		return nil
	}
	const q = `INSERT INTO categories (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`
	_, err := tx.ExecContext(ctx, q, name, formatTime(tx.now))
	return classify(err)
}

// Categories returns the category names in the order they were added.
func (db *DB) Categories(ctx context.Context) ([]string, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT name FROM categories ORDER BY rowid`)
	if err != nil {
		return nil, fmt.Errorf("storage: categories: %w", classify(err))
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("storage: categories: %w", classify(err))
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: categories: %w", classify(err))
	}
	return out, nil
}

// nullable stores "" as NULL, for columns where empty means none.
func nullable(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
