package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
)

// insertEntry writes a journal entry and its postings, notes the shift it
// was booked in, then sums the postings as stored: an entry that does not balance in the database is
// never committed, whatever the code before it did.
func insertEntry(ctx context.Context, tx *tx, e ledger.Entry) error {
	const q = `INSERT INTO journal_entries (id, at, ref, memo) VALUES (?, ?, ?, ?)`
	if _, err := tx.ExecContext(ctx, q, e.ID, formatTime(e.At), e.Ref, e.Memo); err != nil {
		return fmt.Errorf("entry %s: %w", e.ID, classify(err))
	}
	const qp = `INSERT INTO postings (entry_id, line_no, account, debit_fen, credit_fen) VALUES (?, ?, ?, ?, ?)`
	for i, p := range e.Postings {
		_, err := tx.ExecContext(ctx, qp, e.ID, i, string(p.Account), int64(p.Debit), int64(p.Credit))
		if err != nil {
			return fmt.Errorf("entry %s posting %d: %w", e.ID, i, classify(err))
		}
	}
	if err := entryInShift(ctx, tx, e.ID); err != nil {
		return err
	}
	return checkBalanced(ctx, tx, e)
}

// entryInShift records that entry id was booked in the open shift, if one
// is: the shift's takings and cash are summed from its entries.
func entryInShift(ctx context.Context, tx *tx, id string) error {
	const q = `INSERT INTO shift_entries (entry_id, shift_id) SELECT ?, id FROM shifts WHERE state = 'open'`
	if _, err := tx.ExecContext(ctx, q, id); err != nil {
		return fmt.Errorf("entry %s: shift: %w", id, classify(err))
	}
	return nil
}

// checkBalanced sums the stored postings of e: debits must equal credits
// and both must equal what e says.
func checkBalanced(ctx context.Context, tx *tx, e ledger.Entry) error {
	const q = `SELECT count(*), COALESCE(sum(debit_fen), 0), COALESCE(sum(credit_fen), 0)
		FROM postings WHERE entry_id = ?`
	var n int
	var dr, cr money.Fen
	if err := tx.QueryRowContext(ctx, q, e.ID).Scan(&n, &dr, &cr); err != nil {
		return fmt.Errorf("entry %s: %w", e.ID, classify(err))
	}
	if n != len(e.Postings) || dr != cr || dr != e.Total() {
		return pos.Errorf(pos.CodeInternal, "entry %s: stored %d postings, debits %v, credits %v; want %d, %v: %w",
			e.ID, n, dr, cr, len(e.Postings), e.Total(), ledger.ErrUnbalanced)
	}
	return nil
}

// readEntries fills the entries byID (keyed by entry ID, IDs already set)
// with their rows and postings; entryIDs is the same keys as a JSON array.
// An entry missing from the database is left without postings, which
// Entry.Validate refuses.
func readEntries(ctx context.Context, q querier, entryIDs string, byID map[string]*ledger.Entry) error {
	const qe = `SELECT id, at, ref, memo FROM journal_entries WHERE id IN (SELECT value FROM json_each(?))`
	rows, err := q.QueryContext(ctx, qe, entryIDs)
	if err != nil {
		return fmt.Errorf("entries: %w", classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id, at string
		var e ledger.Entry
		if err := rows.Scan(&id, &at, &e.Ref, &e.Memo); err != nil {
			return fmt.Errorf("entries: %w", classify(err))
		}
		if e.At, err = parseTime(at); err != nil {
			return err
		}
		byID[id].At, byID[id].Ref, byID[id].Memo = e.At, e.Ref, e.Memo
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("entries: %w", classify(err))
	}
	return readPostings(ctx, q, entryIDs, byID)
}

func readPostings(ctx context.Context, q querier, entryIDs string, byID map[string]*ledger.Entry) error {
	const qp = `SELECT entry_id, account, debit_fen, credit_fen FROM postings
		WHERE entry_id IN (SELECT value FROM json_each(?)) ORDER BY entry_id, line_no`
	rows, err := q.QueryContext(ctx, qp, entryIDs)
	if err != nil {
		return fmt.Errorf("postings: %w", classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var p ledger.Posting
		if err := rows.Scan(&id, &p.Account, &p.Debit, &p.Credit); err != nil {
			return fmt.Errorf("postings: %w", classify(err))
		}
		byID[id].Postings = append(byID[id].Postings, p)
	}
	return classify(rows.Err())
}

// Entries returns the journal entries with from <= At < to, oldest first,
// each with its postings in order.
func (db *DB) Entries(ctx context.Context, from, to time.Time) ([]ledger.Entry, error) {
	const q = `SELECT e.id, e.at, e.ref, e.memo, p.account, p.debit_fen, p.credit_fen
		FROM journal_entries e JOIN postings p ON p.entry_id = e.id
		WHERE e.at >= ? AND e.at < ? ORDER BY e.at, e.id, p.line_no`
	rows, err := db.ro.QueryContext(ctx, q, formatTime(from), formatTime(to))
	if err != nil {
		return nil, fmt.Errorf("storage: entries: %w", classify(err))
	}
	defer rows.Close()
	var out []ledger.Entry
	for rows.Next() {
		if out, err = scanEntryRow(rows, out); err != nil {
			return nil, fmt.Errorf("storage: entries: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: entries: %w", classify(err))
	}
	return out, nil
}

// scanEntryRow reads one entry-posting row, adding the posting to the last
// entry of out or starting a new one.
func scanEntryRow(rows *sql.Rows, out []ledger.Entry) ([]ledger.Entry, error) {
	var e ledger.Entry
	var at string
	var p ledger.Posting
	if err := rows.Scan(&e.ID, &at, &e.Ref, &e.Memo, &p.Account, &p.Debit, &p.Credit); err != nil {
		return out, classify(err)
	}
	if n := len(out); n > 0 && out[n-1].ID == e.ID {
		out[n-1].Postings = append(out[n-1].Postings, p)
		return out, nil
	}
	var err error
	if e.At, err = parseTime(at); err != nil {
		return out, err
	}
	e.Postings = []ledger.Posting{p}
	return append(out, e), nil
}

// TrialBalance returns each account's balance, debits minus credits, summed
// from every posting ever made. The balances of a sound ledger sum to zero.
func (db *DB) TrialBalance(ctx context.Context) (map[ledger.Account]money.Fen, error) {
	const q = `SELECT account, sum(debit_fen) - sum(credit_fen) FROM postings GROUP BY account`
	rows, err := db.ro.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("storage: trial balance: %w", classify(err))
	}
	defer rows.Close()
	out := map[ledger.Account]money.Fen{}
	for rows.Next() {
		var a ledger.Account
		var bal money.Fen
		if err := rows.Scan(&a, &bal); err != nil {
			return nil, fmt.Errorf("storage: trial balance: %w", classify(err))
		}
		out[a] = bal
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: trial balance: %w", classify(err))
	}
	return out, nil
}
