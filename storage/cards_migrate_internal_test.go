package storage

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"zhanggui/pos"
)

// TestCardMigrationKeepsPayments builds a database as a till before 0007
// left it, with payments and their history, then opens it with this
// version: the payments table is rebuilt for card payments and nothing of
// it, of payment_events or of their rules is lost.
func TestCardMigrationKeepsPayments(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	oldTill(t, ctx, path, 6)

	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open of a version-6 database: %v", err)
	}
	defer db.Close()
	for id, want := range map[string]pos.PaymentMode{"p-code": pos.ModeCode, "p-qr": pos.ModeQR} {
		p, err := db.Payment(ctx, id)
		if err != nil || p.Mode != want || p.Amount != 1234 || p.State != pos.PaySucceeded || p.Buyer != "138****5678" {
			t.Errorf("Payment(%s) = %+v, %v; want the %s payment as it was", id, p, err, want)
		}
		hist, err := db.PaymentHistory(ctx, id)
		if want := []pos.PaymentState{pos.PayAuthorizing, pos.PaySucceeded}; err != nil || !slices.Equal(hist, want) {
			t.Errorf("PaymentHistory(%s) = %v, %v; want %v", id, hist, err, want)
		}
	}
	card, _ := pos.NewPayment("pcard", "s1", "card", "card", 880, time.Now())
	if err := db.SavePayment(ctx, card); err != nil {
		t.Errorf("a card payment after the migration: %v", err)
	}
	checkPaymentRules(t, ctx, db)
}

// checkPaymentRules checks what 0002 and 0004 set up still holds after the
// rebuild: CHECKs, triggers, indexes and the events' foreign key.
func checkPaymentRules(t *testing.T, ctx context.Context, db *DB) {
	t.Helper()
	for _, tt := range []struct{ what, sql string }{
		{"a mode outside the CHECK", `INSERT INTO payments (id, sale_id, provider, mode, amount_fen, state,
			created_at, updated_at) VALUES ('x', 's', 'alipay', 'cheque', 1, 'created', '', '')`},
		{"a payment's amount changed", `UPDATE payments SET amount_fen = 1 WHERE id = 'p-code'`},
		{"a payment event changed", `UPDATE payment_events SET state = 'failed'`},
		{"a payment event deleted", `DELETE FROM payment_events`},
		{"an event for no payment", `INSERT INTO payment_events (payment_id, at, state) VALUES ('nope', '', 'x')`},
		{"a card capture for no sale", `INSERT INTO card_captures (payment_id, sale_id, amount_fen, masked_pan, token,
			capture, approved_at, business_day, state) VALUES ('pcard', 'no-sale', 1, 'm', 't', X'01', '', '', 'pending')`},
	} {
		if _, err := db.rw.ExecContext(ctx, tt.sql); err == nil {
			t.Errorf("%s: allowed after the migration", tt.what)
		}
	}
	var n int
	const q = `SELECT count(*) FROM sqlite_schema WHERE name IN ('payments_sale', 'payments_open',
		'payments_created', 'payments_amount_fixed', 'payment_events_append_only_u', 'payment_events_append_only_d',
		'payment_events_payment')`
	if err := db.ro.QueryRowContext(ctx, q).Scan(&n); err != nil || n != 7 {
		t.Errorf("%d of the 7 indexes and triggers of payments and payment_events, %v", n, err)
	}
	rows, err := db.ro.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if rows.Next() {
		t.Error("PRAGMA foreign_key_check reports violations after the migration")
	}
}

// oldTill makes a database at schema version upTo with two payments and
// their history, through the migrations as they shipped.
func oldTill(t *testing.T, ctx context.Context, path string, upTo int) {
	t.Helper()
	rw, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_foreign_keys=1&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rw.ExecContext(ctx, createMigrationsTable); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:upTo] {
		if err := applyMigration(ctx, rw, m, time.Now()); err != nil {
			t.Fatalf("migration %d: %v", m.version, err)
		}
	}
	for _, p := range []struct{ id, mode string }{{"p-code", "code"}, {"p-qr", "qr"}} {
		const ins = `INSERT INTO payments (id, sale_id, provider, mode, amount_fen, state, buyer, created_at, updated_at)
			VALUES (?, 's1', 'alipay', ?, 1234, 'succeeded', '138****5678', '2026-11-25T02:00:00Z', '2026-11-25T02:00:01Z')`
		if _, err := rw.ExecContext(ctx, ins, p.id, p.mode); err != nil {
			t.Fatal(err)
		}
		for _, st := range []string{"authorizing", "succeeded"} {
			const ev = `INSERT INTO payment_events (payment_id, at, state) VALUES (?, '2026-11-25T02:00:00Z', ?)`
			if _, err := rw.ExecContext(ctx, ev, p.id, st); err != nil {
				t.Fatal(err)
			}
		}
	}
}
