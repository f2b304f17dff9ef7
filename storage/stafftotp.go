package storage

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"zhanggui/pos"
)

// totpSecretSize is an RFC 4226 shared secret's recommended 160 bits.
const totpSecretSize = 20

func totpValue(id int64) sealedValue {
	return sealedValue{provider: "staff", kind: "totp", name: strconv.FormatInt(id, 10)}
}

// EnrolTOTP gives member id a new authenticator secret, on behalf of by
// (allowed pos.ActStaff, or id themself), and returns the otpauth:// URI
// their phone's authenticator app reads from a QR code. The secret is
// sealed at rest (AES-256-GCM under a key derived from the pepper).
// Audited: staff.changed.
func (a *StaffAuth) EnrolTOTP(ctx context.Context, by pos.Staff, id int64) (string, error) {
	secret := make([]byte, totpSecretSize)
	if _, err := rand.Read(secret); err != nil {
		return "", fmt.Errorf("storage: enrol TOTP: %w", err)
	}
	v, err := a.seal.seal(totpValue(id), string(secret))
	if err != nil {
		return "", fmt.Errorf("storage: enrol TOTP: %w", err)
	}
	till := a.till(ctx)
	t, err := a.db.begin(ctx)
	if err != nil {
		return "", fmt.Errorf("storage: enrol TOTP: %w", err)
	}
	defer t.Rollback()
	r, found, err := staffRowByID(ctx, t, id)
	if err != nil || !found {
		return "", pos.Errorf(pos.CodeNotFound, "storage: enrol TOTP: no staff member %d", id)
	}
	if by.ID == id && r.Active {
		by = r.Staff // enrolling oneself
	} else if by, err = a.authorize(ctx, t, by, pos.ActStaff); err != nil {
		return "", err
	}
	if err := ownerRule(by, r.Staff, r.Staff); err != nil {
		return "", err // only the owner enrols the owner's authenticator
	}
	if _, err := t.ExecContext(ctx, `UPDATE staff SET totp_key_id = ?, totp_nonce = ?, totp_sealed = ? WHERE id = ?`,
		v.keyID, v.nonce, v.data, id); err != nil {
		return "", fmt.Errorf("storage: enrol TOTP: %w", classify(err))
	}
	ev := pos.AuditEvent{Till: till, Actor: by.Name, Kind: pos.AuditStaffChanged, Subject: staffSubject(id),
		Data: pos.AuditData(map[string]any{"name": r.Name, "totp": "enrolled"})}
	if _, err := appendAudit(ctx, t, ev); err != nil {
		return "", fmt.Errorf("storage: enrol TOTP: %w", err)
	}
	if err := t.Commit(); err != nil {
		return "", fmt.Errorf("storage: enrol TOTP: commit: %w", classify(err))
	}
	return totpURI(r.Name, secret), nil
}

// totpURI is the Key URI Format authenticator apps read.
func totpURI(name string, secret []byte) string {
	b32 := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret)
	label := url.PathEscape("掌柜:" + name)
	return "otpauth://totp/" + label + "?secret=" + b32 + "&issuer=" + url.QueryEscape("掌柜") +
		"&algorithm=SHA1&digits=6&period=30"
}

// TOTPSecret returns member id's authenticator secret (pos.ErrNoTOTP when
// none is enrolled), for the approval service's verify.
func (a *StaffAuth) TOTPSecret(ctx context.Context, id int64) ([]byte, error) {
	v := totpValue(id)
	err := a.db.ro.QueryRowContext(ctx, `SELECT totp_key_id, totp_nonce, totp_sealed FROM staff WHERE id = ? AND totp_sealed IS NOT NULL`,
		id).Scan(&v.keyID, &v.nonce, &v.data)
	if isNoRows(err) {
		return nil, pos.ErrNoTOTP
	}
	if err != nil {
		return nil, fmt.Errorf("storage: TOTP secret: %w", classify(err))
	}
	plain, err := a.seal.open(v)
	if err != nil {
		return nil, fmt.Errorf("storage: TOTP secret: %w", err)
	}
	return []byte(plain), nil
}

// CheckTOTP checks the code member id's authenticator shows, for an
// approval, with the login's lockout: a wrong code counts against that
// member as a wrong PIN does and is audited (staff.login_failed, for
// approval_totp); a member locked out is refused. It returns the member
// and the code's time step.
func (a *StaffAuth) CheckTOTP(ctx context.Context, id int64, code string) (pos.Staff, int64, error) {
	secret, err := a.TOTPSecret(ctx, id)
	if err != nil {
		return pos.Staff{}, 0, err
	}
	till := a.till(ctx)
	t, err := a.db.begin(ctx)
	if err != nil {
		return pos.Staff{}, 0, fmt.Errorf("storage: check TOTP: %w", err)
	}
	defer t.Rollback()
	r, found, err := staffRowByID(ctx, t, id)
	if err != nil {
		return pos.Staff{}, 0, fmt.Errorf("storage: check TOTP: %w", err)
	}
	if !found || !r.Active {
		return pos.Staff{}, 0, a.refuse(ctx, t, till, r, id, forApprovalTOTP)
	}
	if err := lockedOut(r, t.now); err != nil {
		return pos.Staff{}, 0, a.commitRefusal(ctx, t, till, r, forApprovalTOTP, err)
	}
	step, bad := pos.VerifyTOTP(secret, code, t.now)
	if bad != nil {
		if err := a.fail(ctx, t, till, r, forApprovalTOTP); !errors.Is(err, pos.ErrWrongPIN) {
			return pos.Staff{}, 0, err // locked out now, or the store failed
		}
		return pos.Staff{}, 0, bad
	}
	if err := a.succeed(ctx, t, till, r, forApprovalTOTP, "totp"); err != nil {
		return pos.Staff{}, 0, err
	}
	return r.Staff, step, nil
}

// recoveryAlphabet leaves out letters read as digits (Crockford's base 32).
const recoveryAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewRecoveryCode makes the owner's recovery code, on behalf of the owner:
// 25 random characters (125 bits) in groups of five, shown and printed
// once; only its hash is kept. It replaces any earlier code. With it
// ResetOwnerPIN sets a new owner PIN.
func (a *StaffAuth) NewRecoveryCode(ctx context.Context, by pos.Staff) (string, error) {
	raw := make([]byte, 25)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("storage: recovery code: %w", err)
	}
	var b strings.Builder
	for i, c := range raw {
		if i > 0 && i%5 == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(recoveryAlphabet[c%32])
	}
	code := b.String()
	h, err := a.hash.hash(normRecovery(code))
	if err != nil {
		return "", err
	}
	till := a.till(ctx)
	t, err := a.db.begin(ctx)
	if err != nil {
		return "", fmt.Errorf("storage: recovery code: %w", err)
	}
	defer t.Rollback()
	if by, err = a.authorize(ctx, t, by, pos.ActStaff); err != nil || by.Role != pos.RoleOwner {
		return "", pos.ErrNotPermitted
	}
	if _, err := t.ExecContext(ctx, `INSERT INTO owner_recovery (id, code_hash, created_at) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET code_hash = excluded.code_hash, created_at = excluded.created_at`,
		h, formatTime(t.now)); err != nil {
		return "", fmt.Errorf("storage: recovery code: %w", classify(err))
	}
	ev := pos.AuditEvent{Till: till, Actor: by.Name, Kind: pos.AuditStaffChanged, Subject: staffSubject(by.ID),
		Data: pos.AuditData(map[string]any{"recovery_code": "new"})}
	if _, err := appendAudit(ctx, t, ev); err != nil {
		return "", fmt.Errorf("storage: recovery code: %w", err)
	}
	if err := t.Commit(); err != nil {
		return "", fmt.Errorf("storage: recovery code: commit: %w", classify(err))
	}
	return code, nil
}

// normRecovery lets the code be typed in lower case, with or without the
// dashes, O for 0 and I or L for 1.
func normRecovery(code string) string {
	code = strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(code))
	return strings.NewReplacer("O", "0", "I", "1", "L", "1").Replace(code)
}

// ResetOwnerPIN sets the owner's PIN with the recovery code (used up: the
// owner makes a new one) and clears their lockout. A wrong code gives
// pos.ErrBadRecovery. Audited: staff.pin_changed.
func (a *StaffAuth) ResetOwnerPIN(ctx context.Context, code, pin string) (pos.Staff, error) {
	if err := pos.ValidatePIN(pin); err != nil {
		return pos.Staff{}, err
	}
	var stored string
	if err := a.db.ro.QueryRowContext(ctx, `SELECT code_hash FROM owner_recovery WHERE id = 1`).Scan(&stored); err != nil && !isNoRows(err) {
		return pos.Staff{}, fmt.Errorf("storage: recovery: %w", classify(err))
	}
	if !a.hash.verify(stored, normRecovery(code)) {
		return pos.Staff{}, pos.ErrBadRecovery
	}
	h, err := a.hash.hash(pin)
	if err != nil {
		return pos.Staff{}, err
	}
	return a.recoverOwner(ctx, stored, h)
}

func (a *StaffAuth) recoverOwner(ctx context.Context, codeHash, pinHash string) (pos.Staff, error) {
	till := a.till(ctx)
	t, err := a.db.begin(ctx)
	if err != nil {
		return pos.Staff{}, fmt.Errorf("storage: recovery: %w", err)
	}
	defer t.Rollback()
	res, err := t.ExecContext(ctx, `DELETE FROM owner_recovery WHERE id = 1 AND code_hash = ?`, codeHash)
	if err != nil {
		return pos.Staff{}, fmt.Errorf("storage: recovery: %w", classify(err))
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return pos.Staff{}, pos.ErrBadRecovery // used by someone else meanwhile
	}
	owner, err := queryStaff(ctx, t, `WHERE role = 'owner'`)
	if err != nil || len(owner) != 1 {
		return pos.Staff{}, fmt.Errorf("storage: recovery: the owner: %w", err)
	}
	if _, err := t.ExecContext(ctx, `UPDATE staff SET pin_hash = ?, failures = 0, locked_until = '', locked_for_good = 0
		WHERE id = ?`, pinHash, owner[0].ID); err != nil {
		return pos.Staff{}, fmt.Errorf("storage: recovery: %w", classify(err))
	}
	ev := pos.AuditEvent{Till: till, Actor: owner[0].Name, Kind: pos.AuditPINChanged, Subject: staffSubject(owner[0].ID),
		Data: pos.AuditData(map[string]any{"by": "recovery_code"})}
	if _, err := appendAudit(ctx, t, ev); err != nil {
		return pos.Staff{}, fmt.Errorf("storage: recovery: %w", err)
	}
	if err := t.Commit(); err != nil {
		return pos.Staff{}, fmt.Errorf("storage: recovery: commit: %w", classify(err))
	}
	return owner[0], nil
}
