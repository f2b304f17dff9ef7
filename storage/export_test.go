package storage

import (
	"context"
	"fmt"

	"zhanggui/pos"
)

// SaveSaleWithoutAudit is SaveSale with no audit event: only for the
// benchmark that measures what the audit append adds to a durable commit.
func (db *DB) SaveSaleWithoutAudit(ctx context.Context, s *pos.Sale) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := writeSaleRows(ctx, tx, s, db.location()); err != nil {
		return fmt.Errorf("storage: save sale %s: %w", s.ID, err)
	}
	return classify(tx.Commit())
}

// InsertAuditBulk appends n synthetic events in one transaction, chained as
// appendAudit chains them: the log the verify benchmark reads.
func (db *DB) InsertAuditBulk(ctx context.Context, n int) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO audit_events (seq, at, till, actor, approver, kind, subject, data, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	seq, prev, err := auditHead(ctx, tx)
	if err != nil {
		return err
	}
	for i := range n {
		ev := pos.AuditEvent{Seq: seq + 1, At: tx.now, Till: "01-01", Actor: "收银员", Kind: pos.AuditSale,
			Subject: fmt.Sprintf("sale-%d", i), Data: pos.AuditData(map[string]any{"total_fen": i, "lines": 3}), Prev: prev}
		ev.Hash = pos.ChainHash(prev, ev)
		if _, err := st.ExecContext(ctx, ev.Seq, formatTime(ev.At), ev.Till, ev.Actor, ev.Approver, string(ev.Kind),
			ev.Subject, ev.Data, ev.Prev, ev.Hash); err != nil {
			return err
		}
		seq, prev = ev.Seq, ev.Hash
	}
	return tx.Commit()
}
