package storage

import (
	"context"
	"encoding/json"
	"fmt"

	"zhanggui/pos"
)

// permissions is pos.DefaultPermissions with the shop's changes: the rows
// of permission_grants and the limits.
func permissions(ctx context.Context, q querier) (pos.Permissions, error) {
	p := pos.DefaultPermissions()
	rows, err := q.QueryContext(ctx, `SELECT action, role, decision FROM permission_grants`)
	if err != nil {
		return p, fmt.Errorf("permissions: %w", classify(err))
	}
	defer rows.Close()
	for rows.Next() {
		var a, r, g string
		if err := rows.Scan(&a, &r, &g); err != nil {
			return p, fmt.Errorf("permissions: %w", classify(err))
		}
		if p.Grants[pos.Action(a)] == nil {
			p.Grants[pos.Action(a)] = map[pos.Role]pos.Grant{}
		}
		p.Grants[pos.Action(a)][pos.Role(r)] = pos.Grant(g)
	}
	if err := rows.Err(); err != nil {
		return p, fmt.Errorf("permissions: %w", classify(err))
	}
	var js string
	err = q.QueryRowContext(ctx, `SELECT json FROM permission_limits WHERE id = 1`).Scan(&js)
	if isNoRows(err) {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("permissions: %w", classify(err))
	}
	if err := json.Unmarshal([]byte(js), &p.Limits); err != nil {
		return p, fmt.Errorf("permissions: %w: %w", ErrCorrupt, err)
	}
	return p, nil
}

// Permissions returns the shop's permission table: the defaults with the
// shop's changes.
func (a *StaffAuth) Permissions(ctx context.Context) (pos.Permissions, error) {
	p, err := permissions(ctx, a.db.ro)
	if err != nil {
		return p, fmt.Errorf("storage: %w", err)
	}
	return p, nil
}

// validLimits refuses negative thresholds.
func validLimits(l pos.Limits) error {
	if l.FreeDiscountBP < 0 || l.FreeDiscountBP > 10000 || l.RefundMax < 0 || l.RefundDays < 0 ||
		l.RecountOver < 0 || l.IdleLockMin < 0 || l.IdleLockMin > 24*60 {
		return pos.ErrBadLimits
	}
	return nil
}

// SavePermissions stores p on behalf of by (allowed pos.ActStaff). The
// owner's column is not stored: the owner may do everything. Each changed
// cell and a change of the limits is audited, old → new.
func (a *StaffAuth) SavePermissions(ctx context.Context, by pos.Staff, p pos.Permissions) error {
	if err := validLimits(p.Limits); err != nil {
		return err
	}
	till := a.till(ctx)
	t, err := a.db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: save permissions: %w", err)
	}
	defer t.Rollback()
	if by, err = a.authorize(ctx, t, by, pos.ActStaff); err != nil {
		return err
	}
	old, err := permissions(ctx, t)
	if err != nil {
		return fmt.Errorf("storage: save permissions: %w", err)
	}
	if err := saveGrants(ctx, t, till, by, old, p); err != nil {
		return err
	}
	if err := saveLimits(ctx, t, till, by, old.Limits, p.Limits); err != nil {
		return err
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("storage: save permissions: commit: %w", classify(err))
	}
	return nil
}

func saveGrants(ctx context.Context, t *tx, till string, by pos.Staff, old, p pos.Permissions) error {
	def := pos.DefaultPermissions()
	for _, act := range pos.Actions {
		for _, role := range pos.Roles[1:] { // not the owner
			was, now := old.Grant(role, act), p.Grant(role, act)
			if was == now {
				continue
			}
			if now != pos.Allow && now != pos.Approve && now != pos.Deny {
				return fmt.Errorf("storage: save permissions: %w: grant %q", pos.ErrBadLimits, now)
			}
			if err := writeGrant(ctx, t, act, role, now, def.Grant(role, act) == now); err != nil {
				return err
			}
			ev := pos.AuditEvent{Till: till, Actor: by.Name, Kind: pos.AuditPermission,
				Subject: "permission:" + string(act) + "/" + string(role),
				Data: pos.AuditData(map[string]any{"action": string(act), "role": string(role),
					"old": string(was), "new": string(now)})}
			if _, err := appendAudit(ctx, t, ev); err != nil {
				return fmt.Errorf("storage: save permissions: %w", err)
			}
		}
	}
	return nil
}

// writeGrant stores a changed cell: no row when it is back to the default.
func writeGrant(ctx context.Context, t *tx, act pos.Action, role pos.Role, g pos.Grant, isDefault bool) error {
	var err error
	if isDefault {
		_, err = t.ExecContext(ctx, `DELETE FROM permission_grants WHERE action = ? AND role = ?`, string(act), string(role))
	} else {
		_, err = t.ExecContext(ctx, `INSERT INTO permission_grants (action, role, decision) VALUES (?, ?, ?)
			ON CONFLICT (action, role) DO UPDATE SET decision = excluded.decision`, string(act), string(role), string(g))
	}
	if err != nil {
		return fmt.Errorf("storage: save permissions: %w", classify(err))
	}
	return nil
}

func limitsMap(l pos.Limits) map[string]any {
	return map[string]any{"free_discount_bp": l.FreeDiscountBP, "refund_max_fen": int64(l.RefundMax),
		"refund_days": l.RefundDays, "recount_over_fen": int64(l.RecountOver), "idle_lock_min": l.IdleLockMin}
}

func saveLimits(ctx context.Context, t *tx, till string, by pos.Staff, old, l pos.Limits) error {
	if old == l {
		return nil
	}
	js, err := json.Marshal(l)
	if err != nil {
		return fmt.Errorf("storage: save permissions: %w", err)
	}
	_, err = t.ExecContext(ctx, `INSERT INTO permission_limits (id, json) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET json = excluded.json`, string(js))
	if err != nil {
		return fmt.Errorf("storage: save permissions: %w", classify(err))
	}
	ev := pos.AuditEvent{Till: till, Actor: by.Name, Kind: pos.AuditPermission, Subject: "permission:limits",
		Data: pos.AuditData(map[string]any{"old": limitsMap(old), "new": limitsMap(l)})}
	if _, err := appendAudit(ctx, t, ev); err != nil {
		return fmt.Errorf("storage: save permissions: %w", err)
	}
	return nil
}
