package staff_test

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	staffui "zhanggui/app/ui/staff"
	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

func newService(t *testing.T) (*storage.DB, *storage.StaffAuth, pos.Staff) {
	t.Helper()
	db := storagetest.NewDB(t)
	auth, err := storage.NewStaffAuthParams(db, []byte("staff screens test pepper 32byte"),
		storage.PINParams{MemoryKiB: 64, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := auth.SetFirstOwnerPIN(context.Background(), "284716")
	if err != nil {
		t.Fatal(err)
	}
	return db, auth, owner
}

// A change in the permission table editor is saved and audited old → new.
func TestPermissionEditorSavesAndAudits(t *testing.T) {
	test.NewTempApp(t)
	db, auth, owner := newService(t)
	p := staffui.NewPermissionEditor(staffui.Deps{Service: auth}, func() pos.Staff { return owner })
	p.Reload()
	p.Set(pos.ActDiscount, pos.RoleCashier, pos.Allow)
	p.SetIdleMinutes("10")
	p.Save()
	if p.Message() != staffui.T("Permission table saved") {
		t.Fatalf("save: %q", p.Message())
	}
	got, err := auth.Permissions(context.Background())
	if err != nil || got.Grant(pos.RoleCashier, pos.ActDiscount) != pos.Allow || got.Limits.IdleLockMin != 10 {
		t.Fatalf("stored %+v %v", got.Limits, err)
	}
	var events []string
	db.ScanAudit(context.Background(), 1, func(ev pos.AuditEvent) error {
		if ev.Kind == pos.AuditPermission {
			events = append(events, ev.Actor+" "+ev.Subject+" "+ev.Data)
		}
		return nil
	})
	if len(events) != 2 || !strings.Contains(events[0], `"new":"allow","old":"approve"`) || !strings.HasPrefix(events[0], "店主 ") {
		t.Errorf("audit:\n%s", strings.Join(events, "\n"))
	}
	p.SetIdleMinutes("-3")
	p.Save()
	if p.Message() != staffui.T("A limit is out of range") {
		t.Errorf("bad limit: %q", p.Message())
	}
}

// The login screen logs in by badge, and lists only active staff.
func TestLoginByBadge(t *testing.T) {
	test.NewTempApp(t)
	_, auth, owner := newService(t)
	ctx := context.Background()
	c, err := auth.SaveStaff(ctx, owner, pos.Staff{Name: "李收银", Role: pos.RoleCashier, Active: true, Badge: "04A1B2C3"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.SaveStaff(ctx, owner, pos.Staff{Name: "离职", Role: pos.RoleCashier}, ""); err != nil {
		t.Fatal(err)
	}
	var in pos.Staff
	uids := make(chan string, 1)
	uids <- "04a1b2c3"
	d := staffui.Deps{Service: auth, ReadBadge: func(context.Context) (string, error) { return <-uids, nil }}
	l := staffui.NewLogin(d, test.NewTempWindow(t, nil), func(s pos.Staff) { in = s })
	l.Show("login", 0)
	l.Badge("DEADBEEF")
	if in.ID != 0 || l.Message() != staffui.T("This badge belongs to nobody") {
		t.Fatalf("unknown badge: %+v %q", in, l.Message())
	}
	l.Badge(<-uids)
	if in.ID != c.ID {
		t.Errorf("badge login: %+v %q", in, l.Message())
	}
	l.Select(c.ID)
	if l.Selected().ID != c.ID {
		t.Errorf("select: %+v", l.Selected())
	}
	l.TypedKey("Right")
	l.TypedKey("Right")
	if l.Selected().Name == "离职" {
		t.Error("a deactivated member has a tile")
	}
}

// The admin screen enrols an authenticator and refuses a weak PIN.
func TestAdminTOTPAndWeakPIN(t *testing.T) {
	test.NewTempApp(t)
	_, auth, owner := newService(t)
	w := test.NewTempWindow(t, nil)
	a := staffui.NewAdmin(staffui.Deps{Service: auth}, w, func() pos.Staff { return owner })
	w.SetContent(a.Content())
	a.Reload()
	a.Fill("王店长", pos.RoleManager, "111111")
	a.Save()
	if a.Message() != staffui.T("This PIN is too easy to guess; choose another") {
		t.Fatalf("weak PIN: %q", a.Message())
	}
	a.Fill("王店长", pos.RoleManager, "907153")
	a.Save()
	if !strings.Contains(a.Message(), "王店长") {
		t.Fatalf("save: %q", a.Message())
	}
	findButton(t, w, staffui.T("Enrol authenticator (TOTP)"))()
	var mgr pos.Staff
	for _, s := range a.Staff() {
		if s.Name == "王店长" {
			mgr = s
		}
	}
	if !mgr.TOTP {
		t.Fatalf("not enrolled: %+v %q", mgr, a.Message())
	}
	if secret, err := auth.TOTPSecret(context.Background(), mgr.ID); err != nil || len(secret) != 20 {
		t.Errorf("secret: %v", err)
	}
}

// findButton finds the button labelled label on w's canvas and returns
// its tap.
func findButton(t *testing.T, w fyne.Window, label string) func() {
	t.Helper()
	for _, o := range test.LaidOutObjects(w.Canvas().Content()) {
		if b, ok := o.(*widget.Button); ok && b.Text == label {
			return func() { test.Tap(b) }
		}
	}
	t.Fatalf("no button %q", label)
	return nil
}
