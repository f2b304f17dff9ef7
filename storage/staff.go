package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"zhanggui/pos"
)

// StaffAuth is the staff service: logins by PIN or badge with the lockout
// ladder, approval PIN checks, the staff list and its edits, the
// permission table and TOTP secrets. Every login, failure, lockout, lock,
// switch and change is written to the audit log. Build it with NewStaffAuth.
type StaffAuth struct {
	db   *DB
	hash *hasher
	seal *sealer // TOTP secrets, under a key derived from the pepper
}

// NewStaffAuth returns the staff service of db with the PIN pepper (from
// LoadOrCreatePepper) and the default argon2id costs.
func NewStaffAuth(db *DB, pepper []byte) (*StaffAuth, error) {
	return NewStaffAuthParams(db, pepper, DefaultPINParams)
}

// NewStaffAuthParams is NewStaffAuth with other argon2id costs for new
// hashes (stored hashes keep the costs they were made with).
func NewStaffAuthParams(db *DB, pepper []byte, p PINParams) (*StaffAuth, error) {
	h, err := newHasher(pepper, p)
	if err != nil {
		return nil, err
	}
	s, err := newSealer(deriveKey(pepper, "zhanggui totp seal v1"))
	if err != nil {
		return nil, err
	}
	return &StaffAuth{db: db, hash: h, seal: s}, nil
}

// staffRow is a staff row with what never leaves storage.
type staffRow struct {
	pos.Staff
	pinHash     string
	failures    int
	lockedUntil string
	forGood     bool
}

const staffCols = `id, name, role, active, badge, totp_sealed IS NOT NULL`
const staffRowCols = staffCols + `, pin_hash, failures, locked_until, locked_for_good`

func scanStaff(sc interface{ Scan(...any) error }, s *pos.Staff, more ...any) error {
	var role string
	var active, totp int64
	dest := append([]any{&s.ID, &s.Name, &role, &active, &s.Badge, &totp}, more...)
	if err := sc.Scan(dest...); err != nil {
		return err
	}
	s.Role, s.Active, s.TOTP = pos.Role(role), active == 1, totp == 1
	return nil
}

// queryStaff reads staff rows; tail is the WHERE/ORDER BY part.
func queryStaff(ctx context.Context, q querier, tail string, args ...any) ([]pos.Staff, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+staffCols+` FROM staff `+tail, args...)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []pos.Staff
	for rows.Next() {
		var s pos.Staff
		if err := scanStaff(rows, &s); err != nil {
			return nil, classify(err)
		}
		out = append(out, s)
	}
	return out, classify(rows.Err())
}

// staffRowByID reads one member with the secrets; found false when none.
func staffRowByID(ctx context.Context, q querier, id int64) (staffRow, bool, error) {
	var r staffRow
	var forGood int64
	row := q.QueryRowContext(ctx, `SELECT `+staffRowCols+` FROM staff WHERE id = ?`, id)
	err := scanStaff(row, &r.Staff, &r.pinHash, &r.failures, &r.lockedUntil, &forGood)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	r.forGood = forGood == 1
	return r, err == nil, classify(err)
}

// Staff returns everyone: the active first, each group by name.
func (a *StaffAuth) Staff(ctx context.Context) ([]pos.Staff, error) {
	out, err := queryStaff(ctx, a.db.ro, `ORDER BY active DESC, name`)
	if err != nil {
		return nil, fmt.Errorf("storage: staff: %w", err)
	}
	return out, nil
}

// NeedsOwnerPIN tells whether the owner has no PIN yet: a new data
// directory, where the first screen asks the owner to set one.
func (a *StaffAuth) NeedsOwnerPIN(ctx context.Context) (bool, error) {
	var n int64
	err := a.db.ro.QueryRowContext(ctx, `SELECT count(*) FROM staff WHERE role = 'owner' AND pin_hash <> ''`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("storage: owner PIN: %w", classify(err))
	}
	return n == 0, nil
}

// till names this till in audit events: store code and till code.
func (a *StaffAuth) till(ctx context.Context) string {
	st, err := a.db.Settings(ctx)
	if err != nil {
		return ""
	}
	return st.StoreCode + "-" + st.TillCode
}

func staffSubject(id int64) string { return "staff:" + strconv.FormatInt(id, 10) }

// Lock records that who locked the till (the 锁屏 key or the idle timer).
func (a *StaffAuth) Lock(ctx context.Context, who pos.Staff) error {
	_, err := a.db.AppendAudit(ctx, pos.AuditEvent{Till: a.till(ctx), Actor: who.Name, Kind: pos.AuditLock,
		Subject: staffSubject(who.ID)})
	return err
}

// Switch records that to took over the till from from, with the sale in
// progress left as it was.
func (a *StaffAuth) Switch(ctx context.Context, from, to pos.Staff) error {
	_, err := a.db.AppendAudit(ctx, pos.AuditEvent{Till: a.till(ctx), Actor: to.Name, Kind: pos.AuditSwitch,
		Subject: staffSubject(to.ID), Data: pos.AuditData(map[string]any{"from": from.Name, "from_id": from.ID})})
	return err
}

// normBadge writes a card UID as the store keeps it: upper-case hex
// without separators.
func normBadge(uid string) string {
	return strings.ToUpper(strings.NewReplacer(":", "", " ", "", "-", "").Replace(strings.TrimSpace(uid)))
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
