package storage_test

import (
	"context"
	"errors"
	"strings"
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

// Wrong authenticator codes at an approval count against the approver as
// wrong PINs do, audited: five lock them out, and then even the right
// code is refused.
func TestWrongTOTPCodesLockOut(t *testing.T) {
	db := storagetest.NewDB(t)
	tm := storagetest.NewTeam(t, db)
	ctx := context.Background()
	right := pos.TOTP(tm.ManagerTOTP, db.Now())
	wrong := "000000"
	if wrong == right {
		wrong = "111111"
	}
	var lock *pos.LockedOutError
	for i := 1; i <= 5; i++ {
		_, _, err := tm.Auth.CheckTOTP(ctx, tm.Manager.ID, wrong)
		if i < 5 && !errors.Is(err, pos.ErrBadTOTP) || i == 5 && !errors.As(err, &lock) {
			t.Fatalf("wrong code %d: %v", i, err)
		}
	}
	if _, _, err := tm.Auth.CheckTOTP(ctx, tm.Manager.ID, right); !errors.As(err, &lock) {
		t.Errorf("the right code after the lockout: %v", err)
	}
	if _, err := tm.Auth.CheckPIN(ctx, tm.Manager.ID, storagetest.ManagerPIN); !errors.As(err, &lock) {
		t.Errorf("the PIN after the codes' lockout: %v", err)
	}
	failed := 0
	if err := db.ScanAudit(ctx, 1, func(e pos.AuditEvent) error {
		if e.Kind == pos.AuditLoginFailed && strings.Contains(e.Data, `"for":"approval_totp"`) {
			failed++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if failed != 6 {
		t.Errorf("%d failed codes audited, want 5 wrong and 1 while locked out", failed)
	}
}

// The right code approves, with its time step.
func TestRightTOTPCode(t *testing.T) {
	db := storagetest.NewDB(t)
	tm := storagetest.NewTeam(t, db)
	who, step, err := tm.Auth.CheckTOTP(context.Background(), tm.Manager.ID, pos.TOTP(tm.ManagerTOTP, db.Now()))
	if err != nil || who.ID != tm.Manager.ID || step == 0 {
		t.Errorf("right code: %+v step %d, %v", who, step, err)
	}
	if _, _, err := tm.Auth.CheckTOTP(context.Background(), tm.Cashier.ID, "123456"); !errors.Is(err, pos.ErrNoTOTP) {
		t.Errorf("a member without an authenticator: %v", err)
	}
}
