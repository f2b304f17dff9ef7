package storage

import (
	"context"
	"fmt"
	"time"

	"zhanggui/pos"
)

// pinPurpose tells the audit log what a PIN was typed for.
type pinPurpose string

const (
	forLogin    pinPurpose = "login"
	forApproval pinPurpose = "approval"
	// forApprovalTOTP is an authenticator code typed at the approval sheet.
	forApprovalTOTP pinPurpose = "approval_totp"
)

// Login checks id's PIN at the login screen. A wrong PIN counts a failure
// (pos.ErrWrongPIN, or *pos.LockedOutError once the ladder locks them
// out); a right one clears the count. A locked-out member is refused
// without a check, a deactivated one with pos.ErrStaffInactive. An unknown
// id costs the same argon2 run as a known one and gives pos.ErrWrongPIN.
// Audited: staff.login, staff.login_failed, staff.lockout.
func (a *StaffAuth) Login(ctx context.Context, id int64, pin string) (pos.Staff, error) {
	return a.checkPIN(ctx, id, pin, forLogin)
}

// CheckPIN is Login for an approval typed on this till: the same check and
// lockout (failures count against that member), audited as a failed
// approval PIN; a right PIN writes nothing (the approval is recorded by
// its own service).
func (a *StaffAuth) CheckPIN(ctx context.Context, id int64, pin string) (pos.Staff, error) {
	return a.checkPIN(ctx, id, pin, forApproval)
}

func (a *StaffAuth) checkPIN(ctx context.Context, id int64, pin string, why pinPurpose) (pos.Staff, error) {
	till := a.till(ctx)
	t, err := a.db.begin(ctx)
	if err != nil {
		return pos.Staff{}, fmt.Errorf("storage: login: %w", err)
	}
	defer t.Rollback()
	r, found, err := staffRowByID(ctx, t, id)
	if err != nil {
		return pos.Staff{}, fmt.Errorf("storage: login: %w", err)
	}
	if !found || !r.Active {
		a.hash.verify("", pin) // the same work as a real check
		return pos.Staff{}, a.refuse(ctx, t, till, r, id, why)
	}
	if err := lockedOut(r, t.now); err != nil {
		return pos.Staff{}, a.commitRefusal(ctx, t, till, r, why, err)
	}
	if !a.hash.verify(r.pinHash, pin) {
		return pos.Staff{}, a.fail(ctx, t, till, r, why)
	}
	if err := a.succeed(ctx, t, till, r, why, "pin"); err != nil {
		return pos.Staff{}, err
	}
	return r.Staff, nil
}

// lockedOut is the lockout r is under at now, or nil.
func lockedOut(r staffRow, now time.Time) error {
	if r.forGood {
		return &pos.LockedOutError{ForGood: true}
	}
	if r.lockedUntil == "" {
		return nil
	}
	until, err := parseTime(r.lockedUntil)
	if err != nil {
		return err
	}
	if now.Before(until) {
		return &pos.LockedOutError{Until: until}
	}
	return nil
}

// refuse audits a login of an unknown or deactivated member.
func (a *StaffAuth) refuse(ctx context.Context, t *tx, till string, r staffRow, id int64, why pinPurpose) error {
	actor, reason, out := "unknown", "unknown", error(pos.ErrWrongPIN)
	if r.ID != 0 {
		actor, reason, out = r.Name, "inactive", pos.ErrStaffInactive
	}
	ev := pos.AuditEvent{Till: till, Actor: actor, Kind: pos.AuditLoginFailed, Subject: staffSubject(id),
		Data: pos.AuditData(map[string]any{"for": string(why), "reason": reason})}
	if _, err := appendAudit(ctx, t, ev); err != nil {
		return fmt.Errorf("storage: login: %w", err)
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("storage: login: commit: %w", classify(err))
	}
	return out
}

// commitRefusal audits a try while locked out and returns the lockout.
func (a *StaffAuth) commitRefusal(ctx context.Context, t *tx, till string, r staffRow, why pinPurpose, lock error) error {
	ev := pos.AuditEvent{Till: till, Actor: r.Name, Kind: pos.AuditLoginFailed, Subject: staffSubject(r.ID),
		Data: pos.AuditData(map[string]any{"for": string(why), "reason": "locked_out"})}
	if _, err := appendAudit(ctx, t, ev); err != nil {
		return fmt.Errorf("storage: login: %w", err)
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("storage: login: commit: %w", classify(err))
	}
	return lock
}

// fail counts a wrong PIN and applies the lockout ladder.
func (a *StaffAuth) fail(ctx context.Context, t *tx, till string, r staffRow, why pinPurpose) error {
	n, reason := r.failures+1, "wrong_pin"
	if why == forApprovalTOTP {
		reason = "wrong_code"
	}
	wait, forGood := pos.LockoutAfter(n)
	until := ""
	if wait > 0 {
		until = formatTime(t.now.Add(wait))
	}
	_, err := t.ExecContext(ctx, `UPDATE staff SET failures = ?, locked_until = ?, locked_for_good = ? WHERE id = ?`,
		n, until, boolInt(forGood), r.ID)
	if err != nil {
		return fmt.Errorf("storage: login: %w", classify(err))
	}
	evs := []pos.AuditEvent{{Till: till, Actor: r.Name, Kind: pos.AuditLoginFailed, Subject: staffSubject(r.ID),
		Data: pos.AuditData(map[string]any{"for": string(why), "reason": reason, "failures": n})}}
	if wait > 0 || forGood {
		evs = append(evs, pos.AuditEvent{Till: till, Actor: r.Name, Kind: pos.AuditLockout, Subject: staffSubject(r.ID),
			Data: pos.AuditData(map[string]any{"failures": n, "until": until, "for_good": forGood})})
	}
	for _, ev := range evs {
		if _, err := appendAudit(ctx, t, ev); err != nil {
			return fmt.Errorf("storage: login: %w", err)
		}
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("storage: login: commit: %w", classify(err))
	}
	if wait > 0 || forGood {
		return &pos.LockedOutError{Until: t.now.Add(wait), ForGood: forGood}
	}
	return pos.ErrWrongPIN
}

// succeed clears the PIN failures (for a PIN) and audits a login (an approval's PIN check
// writes no event of its own).
func (a *StaffAuth) succeed(ctx context.Context, t *tx, till string, r staffRow, why pinPurpose, method string) error {
	if method == "pin" { // a badge proves nothing about the PIN tries
		_, err := t.ExecContext(ctx, `UPDATE staff SET failures = 0, locked_until = '' WHERE id = ? AND (failures <> 0 OR locked_until <> '')`, r.ID)
		if err != nil {
			return fmt.Errorf("storage: login: %w", classify(err))
		}
	}
	if why == forLogin {
		ev := pos.AuditEvent{Till: till, Actor: r.Name, Kind: pos.AuditLogin, Subject: staffSubject(r.ID),
			Data: pos.AuditData(map[string]any{"method": method, "role": string(r.Role)})}
		if _, err := appendAudit(ctx, t, ev); err != nil {
			return fmt.Errorf("storage: login: %w", err)
		}
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("storage: login: commit: %w", classify(err))
	}
	return nil
}

// LoginBadge logs in the active member whose NFC badge has card UID uid
// (pos.ErrUnknownBadge for none). A member locked out by wrong PINs stays
// locked out for their badge too. Audited like Login.
func (a *StaffAuth) LoginBadge(ctx context.Context, uid string) (pos.Staff, error) {
	till, badge := a.till(ctx), normBadge(uid)
	t, err := a.db.begin(ctx)
	if err != nil {
		return pos.Staff{}, fmt.Errorf("storage: badge login: %w", err)
	}
	defer t.Rollback()
	var id int64
	if badge != "" {
		if err := t.QueryRowContext(ctx, `SELECT id FROM staff WHERE badge = ?`, badge).Scan(&id); err != nil && !isNoRows(err) {
			return pos.Staff{}, fmt.Errorf("storage: badge login: %w", classify(err))
		}
	}
	r, found, err := staffRowByID(ctx, t, id)
	if err != nil {
		return pos.Staff{}, fmt.Errorf("storage: badge login: %w", err)
	}
	if !found {
		ev := pos.AuditEvent{Till: till, Actor: "unknown", Kind: pos.AuditLoginFailed, Subject: "badge:" + badge,
			Data: pos.AuditData(map[string]any{"for": "login", "reason": "unknown_badge"})}
		if _, err := appendAudit(ctx, t, ev); err != nil {
			return pos.Staff{}, fmt.Errorf("storage: badge login: %w", err)
		}
		if err := t.Commit(); err != nil {
			return pos.Staff{}, fmt.Errorf("storage: badge login: commit: %w", classify(err))
		}
		return pos.Staff{}, pos.ErrUnknownBadge
	}
	if !r.Active {
		return pos.Staff{}, a.refuse(ctx, t, till, r, r.ID, forLogin)
	}
	if err := lockedOut(r, t.now); err != nil {
		return pos.Staff{}, a.commitRefusal(ctx, t, till, r, forLogin, err)
	}
	if err := a.succeed(ctx, t, till, r, forLogin, "badge"); err != nil {
		return pos.Staff{}, err
	}
	return r.Staff, nil
}
