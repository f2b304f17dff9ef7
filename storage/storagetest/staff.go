package storagetest

import (
	"context"
	"encoding/base32"
	"net/url"
	"strings"
	"testing"

	"zhanggui/pos"
	"zhanggui/storage"
)

// Team is a shop's staff for tests that need people with PINs: the owner
// and the cashier of a new database, and a manager with an authenticator.
type Team struct {
	Auth                    *storage.StaffAuth
	Owner, Cashier, Manager pos.Staff
	ManagerTOTP             []byte // the manager's authenticator secret
}

// The PINs of Team (valid, not weak).
const (
	OwnerPIN   = "284716"
	CashierPIN = "593027"
	ManagerPIN = "271828"
)

// FastPIN makes PIN hashing cheap for tests; production uses
// storage.DefaultPINParams.
var FastPIN = storage.PINParams{MemoryKiB: 64, Time: 1, Threads: 1}

// NewTeam sets the owner's PIN in db, gives the cashier a PIN and adds a
// manager with an enrolled authenticator.
func NewTeam(t testing.TB, db *storage.DB) Team {
	t.Helper()
	auth, err := storage.NewStaffAuthParams(db, []byte("test pepper, 32 bytes long......"), FastPIN)
	if err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	return TeamOf(t, auth)
}

// TeamOf is NewTeam on a staff service a test already has; an owner who
// has a PIN keeps it (OwnerPIN is then only right if the test set it).
func TeamOf(t testing.TB, auth *storage.StaffAuth) Team {
	t.Helper()
	ctx := context.Background()
	tm := Team{Auth: auth}
	need, err := auth.NeedsOwnerPIN(ctx)
	if err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	if need {
		if _, err := auth.SetFirstOwnerPIN(ctx, OwnerPIN); err != nil {
			t.Fatalf("storagetest: owner PIN: %v", err)
		}
	}
	staff, err := auth.Staff(ctx)
	if err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	for _, s := range staff {
		switch s.Role {
		case pos.RoleOwner:
			tm.Owner = s
		case pos.RoleCashier:
			tm.Cashier = s
		}
	}
	if tm.Cashier, err = auth.SaveStaff(ctx, tm.Owner, tm.Cashier, CashierPIN); err != nil {
		t.Fatalf("storagetest: cashier: %v", err)
	}
	m := pos.Staff{Name: "店长", Role: pos.RoleManager, Active: true}
	if tm.Manager, err = auth.SaveStaff(ctx, tm.Owner, m, ManagerPIN); err != nil {
		t.Fatalf("storagetest: manager: %v", err)
	}
	uri, err := auth.EnrolTOTP(ctx, tm.Owner, tm.Manager.ID)
	if err != nil {
		t.Fatalf("storagetest: enrol TOTP: %v", err)
	}
	tm.Manager.TOTP = true
	tm.ManagerTOTP = totpSecret(t, uri)
	return tm
}

// totpSecret reads the secret of an otpauth:// URI, as a phone does.
func totpSecret(t testing.TB, uri string) []byte {
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	s := strings.ToUpper(u.Query().Get("secret"))
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	if err != nil {
		t.Fatalf("storagetest: TOTP secret: %v", err)
	}
	return b
}
