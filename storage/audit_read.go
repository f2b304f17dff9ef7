package storage

import (
	"context"
	"fmt"
	"strings"

	"zhanggui/pos"
)

// auditListMax is what the owner's screen shows at most at once.
const auditListMax = 500

// AuditEvents lists the events f picks, newest first: the owner's audit
// screen. The actor matches by a part of the name, case-insensitively.
func (db *DB) AuditEvents(ctx context.Context, f pos.AuditFilter) ([]pos.AuditEvent, error) {
	where, args := []string{"1"}, []any{}
	if a := strings.TrimSpace(f.Actor); a != "" {
		where, args = append(where, "instr(lower(actor), lower(?)) > 0"), append(args, a)
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, string(f.Kind))
	}
	if !f.From.IsZero() {
		where, args = append(where, "at >= ?"), append(args, formatTime(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "at < ?"), append(args, formatTime(f.To))
	}
	limit := f.Limit
	if limit <= 0 || limit > auditListMax {
		limit = auditListMax
	}
	q := `SELECT seq, at, till, actor, approver, kind, subject, data, prev_hash, hash FROM audit_events
		WHERE ` + strings.Join(where, " AND ") + ` ORDER BY seq DESC LIMIT ?`
	rows, err := db.ro.QueryContext(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("storage: audit events: %w", classify(err))
	}
	defer rows.Close()
	var out []pos.AuditEvent
	for rows.Next() {
		ev, err := scanAuditRow(rows)
		if err != nil {
			return nil, fmt.Errorf("storage: audit events: %w", err)
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: audit events: %w", classify(err))
	}
	return out, nil
}
