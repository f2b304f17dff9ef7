package storage

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"zhanggui/pos"
)

// TillKeyFile is the name of the till's signing key file, beside the
// database: the 32-byte Ed25519 seed as 64 hex digits, mode 0600, made on
// the first closure. It lives outside the database, so whoever can rewrite
// the database cannot re-sign its closures; back it up with secret.key.
const TillKeyFile = "till.key"

// TillKeyPath is the till key file of the database at dbPath.
func TillKeyPath(dbPath string) string { return filepath.Join(filepath.Dir(dbPath), TillKeyFile) }

// signingKey returns the till's key, loading (or creating) till.key once.
func (db *DB) signingKey() (ed25519.PrivateKey, error) {
	db.keyMu.Lock()
	defer db.keyMu.Unlock()
	if db.tillKey != nil {
		return db.tillKey, nil
	}
	seed, err := LoadOrCreateKey(TillKeyPath(db.path))
	if err != nil {
		return nil, fmt.Errorf("till key: %w", err)
	}
	db.tillKey = ed25519.NewKeyFromSeed(seed)
	return db.tillKey, nil
}

// tillPublicKey reads the till's public key without creating the file:
// ok is false when there is no till.key (no closure was ever signed here).
func tillPublicKey(dbPath string) (pub ed25519.PublicKey, ok bool, err error) {
	seed, err := readKey(TillKeyPath(dbPath))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("till key: %w", err)
	}
	return ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey), true, nil
}

// appendClosure appends a closure (a shift close or a Z report: a kind
// whose IsClosure is true) inside tx, like appendAudit, and signs it with
// the till's key in the same transaction: the signature covers the event's
// seq and hash, so the whole chain up to it. The shifts code calls it in
// the close's own transaction.
func appendClosure(ctx context.Context, tx *tx, ev pos.AuditEvent) (pos.AuditEvent, error) {
	if !ev.Kind.IsClosure() {
		return ev, pos.Errorf(pos.CodeInternal, "audit: %s is not a closure", ev.Kind)
	}
	key, err := tx.db.signingKey()
	if err != nil {
		return ev, err
	}
	if ev, err = appendAudit(ctx, tx, ev); err != nil {
		return ev, err
	}
	sig := ed25519.Sign(key, pos.ClosureMessage(ev.Seq, ev.Hash))
	const q = `INSERT INTO audit_signatures (seq, public_key, signature) VALUES (?, ?, ?)`
	if _, err := tx.ExecContext(ctx, q, ev.Seq, []byte(key.Public().(ed25519.PublicKey)), sig); err != nil {
		return ev, fmt.Errorf("audit closure %d: %w", ev.Seq, classify(err))
	}
	return ev, nil
}

// AppendClosure records a closure that has no business row of its own in
// a transaction of its own (tests, and the shifts code until its rows
// exist). Shift closes and Z reports call appendClosure in theirs.
func (db *DB) AppendClosure(ctx context.Context, ev pos.AuditEvent) (pos.AuditEvent, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return ev, fmt.Errorf("storage: audit %s: %w", ev.Kind, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle
	if ev, err = appendClosure(ctx, tx, ev); err != nil {
		return ev, fmt.Errorf("storage: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return ev, fmt.Errorf("storage: audit %s: commit: %w", ev.Kind, classify(err))
	}
	return ev, nil
}
