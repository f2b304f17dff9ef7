// Package staff holds the till's staff screens: the login screen (staff
// tiles, the PIN pad, badge login), which also serves as the lock screen
// and for a fast switch of cashier; the first run, where the owner sets a
// PIN and gets the recovery code; the staff admin screen and the
// permission table editor. It never imports app/ui: app/ui shows these
// screens and wires them to the Service (storage.StaffAuth).
package staff

import (
	"context"
	"log/slog"
	"time"

	"zhanggui/app/ui/kit"
	"zhanggui/pos"
)

// Service is the staff service the screens use (storage.StaffAuth).
type Service interface {
	Staff(ctx context.Context) ([]pos.Staff, error)
	Login(ctx context.Context, id int64, pin string) (pos.Staff, error)
	LoginBadge(ctx context.Context, uid string) (pos.Staff, error)
	Lock(ctx context.Context, who pos.Staff) error
	Switch(ctx context.Context, from, to pos.Staff) error
	SaveStaff(ctx context.Context, by pos.Staff, s pos.Staff, pin string) (pos.Staff, error)
	ResetLockout(ctx context.Context, by pos.Staff, id int64) error
	Permissions(ctx context.Context) (pos.Permissions, error)
	SavePermissions(ctx context.Context, by pos.Staff, p pos.Permissions) error
	EnrolTOTP(ctx context.Context, by pos.Staff, id int64) (string, error)
	NeedsOwnerPIN(ctx context.Context) (bool, error)
	SetFirstOwnerPIN(ctx context.Context, pin string) (pos.Staff, error)
	NewRecoveryCode(ctx context.Context, by pos.Staff) (string, error)
	ResetOwnerPIN(ctx context.Context, code, pin string) (pos.Staff, error)
}

// Deps is what the staff screens need, wired by package app.
type Deps struct {
	Service Service
	// ReadBadge waits for a card on the NFC reader and returns its UID;
	// nil when the till has no reader.
	ReadBadge func(ctx context.Context) (string, error)
	// Print prints a slip (a title and lines) on the receipt printer; nil
	// when there is none.
	Print func(title string, lines []string) error
	// DemoPINs are the demo shop's PINs by staff name, shown on its login
	// screen; empty in a real shop.
	DemoPINs map[string]string
	Now      func() time.Time
	Log      *slog.Logger
}

func (d Deps) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

// T and Tf are the till's language (package kit).
var (
	T  = kit.T
	Tf = kit.Tf
)

// RoleName is a role as the screens say it.
func RoleName(r pos.Role) string {
	switch r {
	case pos.RoleOwner:
		return T("Owner")
	case pos.RoleManager:
		return T("Manager")
	case pos.RoleCashier:
		return T("Cashier")
	case pos.RoleAccountant:
		return T("Accountant")
	case pos.RoleTrainee:
		return T("Trainee")
	}
	return string(r)
}
