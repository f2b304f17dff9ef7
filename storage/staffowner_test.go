package storage_test

import (
	"context"
	"errors"
	"testing"

	"zhanggui/pos"
	"zhanggui/storage/storagetest"
)

// A manager may reset a cashier's lockout but not the owner's: the owner
// uses the recovery code.
func TestManagerCannotResetOwnersLockout(t *testing.T) {
	tm := storagetest.NewTeam(t, storagetest.NewDB(t))
	ctx := context.Background()
	for range 5 {
		tm.Auth.Login(ctx, tm.Owner.ID, "000111")
	}
	var lock *pos.LockedOutError
	if _, err := tm.Auth.Login(ctx, tm.Owner.ID, storagetest.OwnerPIN); !errors.As(err, &lock) {
		t.Fatalf("five wrong PINs did not lock the owner: %v", err)
	}
	if err := tm.Auth.ResetLockout(ctx, tm.Manager, tm.Owner.ID); !errors.Is(err, pos.ErrNotPermitted) {
		t.Errorf("the manager resets the owner's lockout: %v", err)
	}
	if _, err := tm.Auth.Login(ctx, tm.Owner.ID, storagetest.OwnerPIN); !errors.As(err, &lock) {
		t.Errorf("the owner is no longer locked out: %v", err)
	}
}

// Only the owner enrols the owner's authenticator, even for a manager
// given the staff admin.
func TestOnlyOwnerEnrolsOwnersTOTP(t *testing.T) {
	tm := storagetest.NewTeam(t, storagetest.NewDB(t))
	ctx := context.Background()
	p, err := tm.Auth.Permissions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p.Grants[pos.ActStaff][pos.RoleManager] = pos.Allow
	if err := tm.Auth.SavePermissions(ctx, tm.Owner, p); err != nil {
		t.Fatal(err)
	}
	if _, err := tm.Auth.EnrolTOTP(ctx, tm.Manager, tm.Owner.ID); !errors.Is(err, pos.ErrNotPermitted) {
		t.Errorf("the manager enrols the owner's authenticator: %v", err)
	}
	if _, err := tm.Auth.EnrolTOTP(ctx, tm.Manager, tm.Cashier.ID); err != nil {
		t.Errorf("the manager with staff admin enrols the cashier: %v", err)
	}
	if _, err := tm.Auth.EnrolTOTP(ctx, tm.Owner, tm.Owner.ID); err != nil {
		t.Errorf("the owner enrols their own: %v", err)
	}
}
