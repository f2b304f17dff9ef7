package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"zhanggui/pos"
)

// appendAudit adds ev to the audit chain inside tx, after the current head:
// seq = head + 1, Prev = the head's hash, At = the transaction's time when
// ev has none, Data = "{}" when empty. The write lock is held from BEGIN
// (BEGIN IMMEDIATE), so two writers never take the same seq. It returns the
// event as stored, with its Seq and Hash.
func appendAudit(ctx context.Context, tx *tx, ev pos.AuditEvent) (pos.AuditEvent, error) {
	seq, prev, err := auditHead(ctx, tx)
	if err != nil {
		return ev, err
	}
	ev.Seq, ev.Prev = seq+1, prev
	if ev.At.IsZero() {
		ev.At = tx.now
	}
	ev.At = ev.At.UTC()
	if ev.Data == "" {
		ev.Data = "{}"
	}
	ev.Hash = pos.ChainHash(ev.Prev, ev)
	const q = `INSERT INTO audit_events (seq, at, till, actor, approver, kind, subject, data, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	_, err = tx.ExecContext(ctx, q, ev.Seq, formatTime(ev.At), ev.Till, ev.Actor, ev.Approver,
		string(ev.Kind), ev.Subject, ev.Data, ev.Prev, ev.Hash)
	if err != nil {
		return ev, fmt.Errorf("audit %s: %w", ev.Kind, classify(err))
	}
	return ev, nil
}

// auditHead is the last event's seq and hash: 0 and the genesis hash for
// an empty log.
func auditHead(ctx context.Context, q querier) (int64, []byte, error) {
	var seq int64
	var hash []byte
	err := q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, pos.GenesisHash(), nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("audit head: %w", classify(err))
	}
	return seq, hash, nil
}

// AppendAudit records an event that has no business row of its own (a
// login, a failed PIN, an export) in a transaction of its own, and returns
// it as stored.
func (db *DB) AppendAudit(ctx context.Context, ev pos.AuditEvent) (pos.AuditEvent, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return ev, fmt.Errorf("storage: audit %s: %w", ev.Kind, err)
	}
	defer tx.Rollback()
	if ev, err = appendAudit(ctx, tx, ev); err != nil {
		return ev, fmt.Errorf("storage: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return ev, fmt.Errorf("storage: audit %s: commit: %w", ev.Kind, classify(err))
	}
	return ev, nil
}

// AuditHead returns the newest event's seq and hash (0 and the genesis hash
// when the log is empty): what a 交班单 prints.
func (db *DB) AuditHead(ctx context.Context) (int64, []byte, error) {
	seq, hash, err := auditHead(ctx, db.ro)
	if err != nil {
		return 0, nil, fmt.Errorf("storage: %w", err)
	}
	return seq, hash, nil
}

// ScanAudit calls fn with every event from seq from on, in order, reading
// one snapshot; it stops at fn's first error and returns it.
func (db *DB) ScanAudit(ctx context.Context, from int64, fn func(pos.AuditEvent) error) error {
	t, err := db.read(ctx)
	if err != nil {
		return fmt.Errorf("storage: scan audit: %w", err)
	}
	defer t.Rollback()
	const q = `SELECT seq, at, till, actor, approver, kind, subject, data, prev_hash, hash
		FROM audit_events WHERE seq >= ? ORDER BY seq`
	rows, err := t.QueryContext(ctx, q, from)
	if err != nil {
		return fmt.Errorf("storage: scan audit: %w", classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		ev, err := scanAuditRow(rows)
		if err != nil {
			return fmt.Errorf("storage: scan audit: %w", err)
		}
		if err := fn(ev); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("storage: scan audit: %w", classify(err))
	}
	return nil
}

func scanAuditRow(rows *sql.Rows) (pos.AuditEvent, error) {
	var ev pos.AuditEvent
	var at, kind string
	err := rows.Scan(&ev.Seq, &at, &ev.Till, &ev.Actor, &ev.Approver, &kind, &ev.Subject, &ev.Data, &ev.Prev, &ev.Hash)
	if err != nil {
		return ev, classify(err)
	}
	ev.Kind = pos.AuditKind(kind)
	ev.At, err = parseTime(at)
	return ev, err
}
