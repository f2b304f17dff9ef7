package storage

import (
	"context"
	"fmt"
	"strings"

	"zhanggui/pos"
)

// authorize reloads by (the screens may hold a stale copy) and checks
// that they may do act outright; it returns them as stored.
func (a *StaffAuth) authorize(ctx context.Context, q querier, by pos.Staff, act pos.Action) (pos.Staff, error) {
	r, found, err := staffRowByID(ctx, q, by.ID)
	if err != nil {
		return by, err
	}
	if !found || !r.Active {
		return by, pos.ErrNotPermitted
	}
	p, err := permissions(ctx, q)
	if err != nil {
		return by, err
	}
	if p.Decide(r.Role, act) != pos.Allow {
		return r.Staff, pos.ErrNotPermitted
	}
	return r.Staff, nil
}

// SaveStaff adds (s.ID 0) or edits a member on behalf of by, who must be
// allowed pos.ActStaff (only the owner edits the owner). pin "" keeps the
// PIN; a new one must pass pos.ValidatePIN and clears any lockout. The
// shop has exactly one owner, always active: making, removing or
// deactivating one gives pos.ErrLastOwner. Audited: staff.changed (old →
// new) and staff.pin_changed (never the PIN).
func (a *StaffAuth) SaveStaff(ctx context.Context, by pos.Staff, s pos.Staff, pin string) (pos.Staff, error) {
	s.Name, s.Badge = strings.TrimSpace(s.Name), normBadge(s.Badge)
	if s.Name == "" || !pos.ValidRole(s.Role) {
		return s, pos.ErrBadStaff
	}
	var pinHash string
	if pin != "" {
		if err := pos.ValidatePIN(pin); err != nil {
			return s, err
		}
		h, err := a.hash.hash(pin)
		if err != nil {
			return s, err
		}
		pinHash = h
	}
	till := a.till(ctx)
	t, err := a.db.begin(ctx)
	if err != nil {
		return s, fmt.Errorf("storage: save staff: %w", err)
	}
	defer t.Rollback()
	s, err = a.saveStaff(ctx, t, till, by, s, pinHash)
	if err != nil {
		return s, err
	}
	if err := t.Commit(); err != nil {
		return s, fmt.Errorf("storage: save staff: commit: %w", classify(err))
	}
	return s, nil
}

func (a *StaffAuth) saveStaff(ctx context.Context, t *tx, till string, by, s pos.Staff, pinHash string) (pos.Staff, error) {
	by, err := a.authorize(ctx, t, by, pos.ActStaff)
	if err != nil {
		return s, err
	}
	var old pos.Staff
	if s.ID != 0 {
		r, found, err := staffRowByID(ctx, t, s.ID)
		if err != nil {
			return s, fmt.Errorf("storage: save staff: %w", err)
		}
		if !found {
			return s, pos.Errorf(pos.CodeNotFound, "storage: no staff member %d", s.ID)
		}
		old = r.Staff
	}
	if err := ownerRule(by, old, s); err != nil {
		return s, err
	}
	if err := writeStaff(ctx, t, &s, pinHash); err != nil {
		return s, err
	}
	return s, auditStaffSave(ctx, t, till, by, old, s, pinHash != "")
}

// ownerRule keeps exactly one active owner, edited only by themself.
func ownerRule(by, old, s pos.Staff) error {
	wasOwner, isOwner := old.Role == pos.RoleOwner, s.Role == pos.RoleOwner
	switch {
	case wasOwner != isOwner, isOwner && !s.Active:
		return pos.ErrLastOwner
	case wasOwner && by.ID != old.ID:
		return pos.ErrNotPermitted
	}
	return nil
}

func writeStaff(ctx context.Context, t *tx, s *pos.Staff, pinHash string) error {
	taken := 0
	err := t.QueryRowContext(ctx, `SELECT count(*) FROM staff WHERE id <> ? AND (name = ? OR (badge = ? AND badge <> ''))`,
		s.ID, s.Name, s.Badge).Scan(&taken)
	if err != nil {
		return fmt.Errorf("storage: save staff: %w", classify(err))
	}
	if taken > 0 {
		return pos.ErrStaffTaken
	}
	if s.ID == 0 {
		res, err := t.ExecContext(ctx, `INSERT INTO staff (name, role, active, badge, pin_hash) VALUES (?, ?, ?, ?, ?)`,
			s.Name, string(s.Role), boolInt(s.Active), s.Badge, pinHash)
		if err != nil {
			return fmt.Errorf("storage: add staff: %w", classify(err))
		}
		s.ID, err = res.LastInsertId()
		return err
	}
	_, err = t.ExecContext(ctx, `UPDATE staff SET name = ?, role = ?, active = ?, badge = ? WHERE id = ?`,
		s.Name, string(s.Role), boolInt(s.Active), s.Badge, s.ID)
	if err == nil && pinHash != "" {
		_, err = t.ExecContext(ctx, `UPDATE staff SET pin_hash = ?, failures = 0, locked_until = '', locked_for_good = 0
			WHERE id = ?`, pinHash, s.ID)
	}
	if err != nil {
		return fmt.Errorf("storage: save staff: %w", classify(err))
	}
	return t.QueryRowContext(ctx, `SELECT totp_sealed IS NOT NULL FROM staff WHERE id = ?`, s.ID).Scan(&s.TOTP)
}

func staffFields(s pos.Staff) map[string]any {
	if s.Name == "" {
		return map[string]any{}
	}
	return map[string]any{"name": s.Name, "role": string(s.Role), "active": s.Active, "badge": s.Badge != ""}
}

func auditStaffSave(ctx context.Context, t *tx, till string, by, old, s pos.Staff, pinChanged bool) error {
	var evs []pos.AuditEvent
	oldF, newF := staffFields(old), staffFields(s)
	if fmt.Sprint(oldF) != fmt.Sprint(newF) || old.Badge != s.Badge {
		evs = append(evs, pos.AuditEvent{Till: till, Actor: by.Name, Kind: pos.AuditStaffChanged,
			Subject: staffSubject(s.ID), Data: pos.AuditData(map[string]any{"old": oldF, "new": newF})})
	}
	if pinChanged {
		evs = append(evs, pos.AuditEvent{Till: till, Actor: by.Name, Kind: pos.AuditPINChanged,
			Subject: staffSubject(s.ID), Data: pos.AuditData(map[string]any{"name": s.Name})})
	}
	for _, ev := range evs {
		if _, err := appendAudit(ctx, t, ev); err != nil {
			return fmt.Errorf("storage: save staff: %w", err)
		}
	}
	return nil
}

// ResetLockout lets member id try PINs again, on behalf of by (allowed
// pos.ActResetLockout). Audited: staff.lockout_reset.
func (a *StaffAuth) ResetLockout(ctx context.Context, by pos.Staff, id int64) error {
	till := a.till(ctx)
	t, err := a.db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: reset lockout: %w", err)
	}
	defer t.Rollback()
	if by, err = a.authorize(ctx, t, by, pos.ActResetLockout); err != nil {
		return err
	}
	r, found, err := staffRowByID(ctx, t, id)
	if err != nil || !found {
		return fmt.Errorf("storage: reset lockout of %d: %w", id, pos.ErrNotPermitted)
	}
	if err := ownerRule(by, r.Staff, r.Staff); err != nil {
		return err // the owner's lockout is the owner's (the recovery code)
	}
	if _, err := t.ExecContext(ctx, `UPDATE staff SET failures = 0, locked_until = '', locked_for_good = 0 WHERE id = ?`, id); err != nil {
		return fmt.Errorf("storage: reset lockout: %w", classify(err))
	}
	ev := pos.AuditEvent{Till: till, Actor: by.Name, Kind: pos.AuditLockoutReset, Subject: staffSubject(id),
		Data: pos.AuditData(map[string]any{"name": r.Name, "failures": r.failures, "for_good": r.forGood})}
	if _, err := appendAudit(ctx, t, ev); err != nil {
		return fmt.Errorf("storage: reset lockout: %w", err)
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("storage: reset lockout: commit: %w", classify(err))
	}
	return nil
}

// SetFirstOwnerPIN sets the owner's PIN on a new data directory, where
// nobody can log in yet (NeedsOwnerPIN); once the owner has a PIN it gives
// pos.ErrNotPermitted. Audited: staff.pin_changed.
func (a *StaffAuth) SetFirstOwnerPIN(ctx context.Context, pin string) (pos.Staff, error) {
	if err := pos.ValidatePIN(pin); err != nil {
		return pos.Staff{}, err
	}
	h, err := a.hash.hash(pin)
	if err != nil {
		return pos.Staff{}, err
	}
	till := a.till(ctx)
	t, err := a.db.begin(ctx)
	if err != nil {
		return pos.Staff{}, fmt.Errorf("storage: owner PIN: %w", err)
	}
	defer t.Rollback()
	owner, err := queryStaff(ctx, t, `WHERE role = 'owner' AND pin_hash = ''`)
	if err != nil {
		return pos.Staff{}, fmt.Errorf("storage: owner PIN: %w", err)
	}
	if len(owner) != 1 {
		return pos.Staff{}, pos.ErrNotPermitted
	}
	if _, err := t.ExecContext(ctx, `UPDATE staff SET pin_hash = ? WHERE id = ?`, h, owner[0].ID); err != nil {
		return pos.Staff{}, fmt.Errorf("storage: owner PIN: %w", classify(err))
	}
	if err := auditStaffSave(ctx, t, till, owner[0], owner[0], owner[0], true); err != nil {
		return pos.Staff{}, err
	}
	if err := t.Commit(); err != nil {
		return pos.Staff{}, fmt.Errorf("storage: owner PIN: commit: %w", classify(err))
	}
	return owner[0], nil
}
