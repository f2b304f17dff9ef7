package storage_test

import (
	"errors"
	"strings"
	"testing"

	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

// TestMoneyRowsAreAppendOnly: not even a hand-edit in the sqlite3 shell can
// change or delete a money row.
func TestMoneyRowsAreAppendOnly(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 2)
	must(t, db.SaveSale(ctx, newSale(t, db, "s1", at, ps...)))
	raw := rawDB(t, db.Path())
	for _, stmt := range []string{
		`UPDATE postings SET debit_fen = debit_fen + 1`,
		`DELETE FROM postings`,
		`UPDATE journal_entries SET memo = 'x'`,
		`DELETE FROM journal_entries`,
		`UPDATE sales SET total_fen = 0`,
		`DELETE FROM sales`,
		`UPDATE sale_lines SET qty_milli = 1`,
		`DELETE FROM sale_lines`,
		`UPDATE tenders SET amount_fen = 0`,
		`DELETE FROM tenders`,
		`UPDATE stock_moves SET delta_milli = 1`,
		`DELETE FROM stock_moves`,
	} {
		_, err := raw.Exec(stmt)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want an append-only error", stmt, err)
		}
	}
	must(t, db.IntegrityCheck(ctx))
}

func TestPostingChecks(t *testing.T) {
	db := storagetest.NewDB(t)
	raw := rawDB(t, db.Path())
	_, err := raw.Exec(`INSERT INTO journal_entries VALUES ('e1', '2026-11-25T02:00:00.000000000Z', '', '')`)
	must(t, err)
	for _, tt := range []struct{ name, values string }{
		{"both sides", `('e1', 0, '1001.cash', 100, 100)`},
		{"neither side", `('e1', 1, '1001.cash', 0, 0)`},
		{"a negative side", `('e1', 2, '1001.cash', -100, 0)`},
		{"a REAL amount", `('e1', 3, '1001.cash', 1.5, 0)`},
	} {
		const q = `INSERT INTO postings (entry_id, line_no, account, debit_fen, credit_fen) VALUES `
		_, err := raw.Exec(q + tt.values)
		if err == nil {
			t.Errorf("a posting with %s was accepted", tt.name)
		}
	}
}

// TestIntegrityCheckFindsStockDrift: a cached balance is checked against its
// records, never trusted.
func TestIntegrityCheckFindsStockDrift(t *testing.T) {
	db := storagetest.NewDB(t)
	storagetest.Seed(t, db, 3)
	must(t, db.IntegrityCheck(ctx))
	raw := rawDB(t, db.Path())
	_, err := raw.Exec(`UPDATE products SET stock_milli = stock_milli + 1 WHERE id = 2`)
	must(t, err)
	err = db.IntegrityCheck(ctx)
	if !errors.Is(err, storage.ErrCorrupt) || !strings.Contains(err.Error(), "stock") {
		t.Errorf("IntegrityCheck after a hand-edited stock = %v, want ErrCorrupt naming stock", err)
	}
}

// TestReadValidatesAgain: a sale broken behind storage's back (here by
// dropping a trigger first) is refused when read, never shown as sound.
func TestReadValidatesAgain(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 2)
	must(t, db.SaveSale(ctx, newSale(t, db, "s1", at, ps...)))
	raw := rawDB(t, db.Path())
	for _, stmt := range []string{
		`DROP TRIGGER tenders_no_update`,
		`UPDATE tenders SET amount_fen = amount_fen - 1, received_fen = 0, change_fen = 0`,
	} {
		_, err := raw.Exec(stmt)
		must(t, err)
	}
	if _, err := db.Sale(ctx, "s1"); !errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("Sale after tampering = %v, want ErrCorrupt", err)
	}
	if err := db.IntegrityCheck(ctx); !errors.Is(err, storage.ErrCorrupt) {
		t.Errorf("IntegrityCheck after tampering = %v, want ErrCorrupt", err)
	}
}
