package app

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"path/filepath"

	"zhanggui/app/ui/approve"
	"zhanggui/storage"
)

var (
	_ approve.Staffing = (*storage.StaffAuth)(nil)
	_ approve.Store    = (*storage.DB)(nil)
)

// approveDeps wires the approvals of gated actions: the staff service
// (PINs, authenticator secrets, the permission table), the approvals store
// and the till's challenge key, derived from secret.key so that it stays
// outside the database and no other till makes the same challenges.
func approveDeps(db *storage.DB, auth approve.Staffing, dataDir string) (approve.Deps, error) {
	key, err := storage.LoadOrCreateKey(filepath.Join(dataDir, secretKeyFile))
	if err != nil {
		return approve.Deps{}, fmt.Errorf("app: approvals: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("zhanggui approval challenge key v1"))
	return approve.Deps{Staff: auth, Store: db, TillKey: mac.Sum(nil)}, nil
}
