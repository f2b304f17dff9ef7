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
// ev has none, Till = this till when empty, Actor = the context's actor (or
// "system") when empty, Approver = the context's approver
// (pos.WithApprover) when empty, Data = "{}" when empty. The write lock is held from
// BEGIN (BEGIN IMMEDIATE), so two writers never take the same seq. When ev
// is older than the head, the wall clock moved backwards: a clock.backwards
// event goes first, naming both times. It returns the event as stored,
// with its Seq and Hash.
func appendAudit(ctx context.Context, tx *tx, ev pos.AuditEvent) (pos.AuditEvent, error) {
	seq, at, prev, err := auditHeadAt(ctx, tx)
	if err != nil {
		return ev, err
	}
	ev = fillAudit(ctx, tx, ev)
	if stamp := formatTime(ev.At); seq > 0 && stamp < at {
		back := pos.AuditEvent{At: ev.At, Till: ev.Till, Actor: pos.ActorSystem, Kind: pos.AuditClockBackwards,
			Subject: "clock", Data: pos.AuditData(map[string]any{"head_at": at, "now": stamp})}
		if back, err = insertAudit(ctx, tx, seq, prev, back); err != nil {
			return ev, err
		}
		seq, prev = back.Seq, back.Hash
	}
	return insertAudit(ctx, tx, seq, prev, ev)
}

// fillAudit gives ev the defaults appendAudit documents.
func fillAudit(ctx context.Context, tx *tx, ev pos.AuditEvent) pos.AuditEvent {
	if ev.At.IsZero() {
		ev.At = tx.now
	}
	ev.At = ev.At.UTC()
	if ev.Till == "" {
		ev.Till = tx.till
	}
	if ev.Actor == "" {
		ev.Actor = actorOf(ctx, "")
	}
	if ev.Approver == "" {
		ev.Approver = pos.ApproverOf(ctx)
	}
	if ev.Data == "" {
		ev.Data = "{}"
	}
	return ev
}

// insertAudit writes ev as the event after (seq, prev) and returns it as
// stored: the new head.
func insertAudit(ctx context.Context, tx *tx, seq int64, prev []byte, ev pos.AuditEvent) (pos.AuditEvent, error) {
	ev.Seq, ev.Prev = seq+1, prev
	ev.Hash = pos.ChainHash(ev.Prev, ev)
	const q = `INSERT INTO audit_events (seq, at, till, actor, approver, kind, subject, data, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	_, err := tx.ExecContext(ctx, q, ev.Seq, formatTime(ev.At), ev.Till, ev.Actor, ev.Approver,
		string(ev.Kind), ev.Subject, ev.Data, ev.Prev, ev.Hash)
	if err != nil {
		return ev, fmt.Errorf("audit %s: %w", ev.Kind, classify(err))
	}
	return ev, nil
}

// actorOf is who acts: the context's actor (pos.WithActor), else fallback,
// else "system".
func actorOf(ctx context.Context, fallback string) string {
	return firstOf(pos.ActorOf(ctx), fallback, pos.ActorSystem)
}

// firstOf is the first non-empty string.
func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// auditHead is the last event's seq and hash: 0 and the genesis hash for
// an empty log.
func auditHead(ctx context.Context, q querier) (int64, []byte, error) {
	seq, _, hash, err := auditHeadAt(ctx, q)
	return seq, hash, err
}

// auditHeadAt is auditHead with the head's stored time.
func auditHeadAt(ctx context.Context, q querier) (int64, string, []byte, error) {
	var seq int64
	var at string
	var hash []byte
	err := q.QueryRowContext(ctx, `SELECT seq, at, hash FROM audit_events ORDER BY seq DESC LIMIT 1`).Scan(&seq, &at, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", pos.GenesisHash(), nil
	}
	if err != nil {
		return 0, "", nil, fmt.Errorf("audit head: %w", classify(err))
	}
	return seq, at, hash, nil
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

// scanAuditRow reads an event's columns, in audit_events' order, and then
// any extra columns into more.
func scanAuditRow(rows *sql.Rows, more ...any) (pos.AuditEvent, error) {
	var ev pos.AuditEvent
	var at, kind string
	dest := []any{&ev.Seq, &at, &ev.Till, &ev.Actor, &ev.Approver, &kind, &ev.Subject, &ev.Data, &ev.Prev, &ev.Hash}
	err := rows.Scan(append(dest, more...)...)
	if err != nil {
		return ev, classify(err)
	}
	ev.Kind = pos.AuditKind(kind)
	ev.At, err = parseTime(at)
	return ev, err
}
