package storage_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

// fastPIN keeps the tests quick; BenchmarkPINCheck measures the real costs.
var fastPIN = storage.PINParams{MemoryKiB: 64, Time: 1, Threads: 1}

var testPepper = bytes.Repeat([]byte{7}, 32)

// clock is a settable clock for lockout tests.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// openStaff opens (or reopens) the database at path with the staff service.
func openStaff(t *testing.T, path string, c *clock) (*storage.DB, *storage.StaffAuth) {
	t.Helper()
	db, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	db.Now = c.Now
	auth, err := storage.NewStaffAuthParams(db, testPepper, fastPIN)
	if err != nil {
		t.Fatal(err)
	}
	return db, auth
}

func newStaff(t *testing.T) (*storage.DB, *storage.StaffAuth, pos.Staff) {
	t.Helper()
	db := storagetest.NewDB(t)
	auth, err := storage.NewStaffAuthParams(db, testPepper, fastPIN)
	if err != nil {
		t.Fatal(err)
	}
	owner, err := auth.SetFirstOwnerPIN(context.Background(), "284716")
	if err != nil {
		t.Fatal(err)
	}
	return db, auth, owner
}

func auditKinds(t *testing.T, db *storage.DB) []pos.AuditKind {
	t.Helper()
	var out []pos.AuditKind
	c := pos.NewChainChecker(0, pos.GenesisHash())
	err := db.ScanAudit(context.Background(), 1, func(ev pos.AuditEvent) error {
		out = append(out, ev.Kind)
		return c.Check(ev)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFirstRunOwnerPIN(t *testing.T) {
	db := storagetest.NewDB(t)
	ctx := context.Background()
	auth, err := storage.NewStaffAuthParams(db, testPepper, fastPIN)
	if err != nil {
		t.Fatal(err)
	}
	if need, err := auth.NeedsOwnerPIN(ctx); err != nil || !need {
		t.Fatalf("new data dir: NeedsOwnerPIN = %v, %v", need, err)
	}
	if _, err := auth.SetFirstOwnerPIN(ctx, "123456"); !errors.Is(err, pos.ErrWeakPIN) {
		t.Fatalf("weak first PIN: %v", err)
	}
	owner, err := auth.SetFirstOwnerPIN(ctx, "284716")
	if err != nil || owner.Role != pos.RoleOwner {
		t.Fatalf("first PIN: %+v %v", owner, err)
	}
	if need, _ := auth.NeedsOwnerPIN(ctx); need {
		t.Error("still needs an owner PIN")
	}
	if _, err := auth.SetFirstOwnerPIN(ctx, "907153"); !errors.Is(err, pos.ErrNotPermitted) {
		t.Errorf("second first-run PIN: %v", err)
	}
	if got, err := auth.Login(ctx, owner.ID, "284716"); err != nil || got.ID != owner.ID {
		t.Errorf("owner login: %+v %v", got, err)
	}
}

func TestLoginWrongPINAndAudit(t *testing.T) {
	db, auth, owner := newStaff(t)
	ctx := context.Background()
	if _, err := auth.Login(ctx, owner.ID, "907153"); !errors.Is(err, pos.ErrWrongPIN) {
		t.Fatalf("wrong PIN: %v", err)
	}
	if _, err := auth.Login(ctx, 999, "284716"); !errors.Is(err, pos.ErrWrongPIN) {
		t.Fatalf("unknown id: %v", err)
	}
	if _, err := auth.Login(ctx, owner.ID, "284716"); err != nil {
		t.Fatal(err)
	}
	want := []pos.AuditKind{pos.AuditPINChanged, pos.AuditLoginFailed, pos.AuditLoginFailed, pos.AuditLogin}
	if got := auditKinds(t, db); !equalKinds(got, want) {
		t.Errorf("audit %v, want %v", got, want)
	}
}

func equalKinds(a, b []pos.AuditKind) bool {
	return strings.Join(kindStrings(a), ",") == strings.Join(kindStrings(b), ",")
}

func kindStrings(ks []pos.AuditKind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// The ladder locks a member out, the lock survives closing and reopening
// the database, and it ends when its time is up.
func TestLockoutSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "zhanggui.db")
	c := &clock{now: storagetest.Epoch}
	ctx := context.Background()
	db, auth := openStaff(t, path, c)
	owner, err := auth.SetFirstOwnerPIN(ctx, "284716")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 4; i++ {
		if _, err := auth.Login(ctx, owner.ID, "111222"); !errors.Is(err, pos.ErrWrongPIN) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	var lock *pos.LockedOutError
	if _, err := auth.Login(ctx, owner.ID, "111222"); !errors.As(err, &lock) || !lock.Until.Equal(c.now.Add(30*time.Second)) {
		t.Fatalf("5th failure: %v", err)
	}
	db.Close()

	db, auth = openStaff(t, path, c)
	defer db.Close()
	if _, err := auth.Login(ctx, owner.ID, "284716"); !errors.As(err, &lock) {
		t.Fatalf("after reopen, the right PIN while locked out: %v", err)
	}
	c.now = c.now.Add(31 * time.Second)
	if _, err := auth.Login(ctx, owner.ID, "111222"); !errors.As(err, &lock) || !lock.Until.Equal(c.now.Add(2*time.Minute)) {
		t.Fatalf("6th failure: %v", err)
	}
	c.now = c.now.Add(2*time.Minute + time.Second)
	if _, err := auth.Login(ctx, owner.ID, "284716"); err != nil {
		t.Fatalf("after the wait: %v", err)
	}
	c.now = c.now.Add(time.Second)
	if _, err := auth.Login(ctx, owner.ID, "111222"); !errors.Is(err, pos.ErrWrongPIN) {
		t.Errorf("a success clears the count: %v", err)
	}
}

// Ten failures lock for good, until a manager resets; CheckPIN counts
// against the same member.
func TestLockoutForGoodAndReset(t *testing.T) {
	c := &clock{now: storagetest.Epoch}
	db, auth := openStaff(t, filepath.Join(t.TempDir(), "zhanggui.db"), c)
	defer db.Close()
	ctx := context.Background()
	owner, err := auth.SetFirstOwnerPIN(ctx, "284716")
	if err != nil {
		t.Fatal(err)
	}
	mgr, err := auth.SaveStaff(ctx, owner, pos.Staff{Name: "王店长", Role: pos.RoleManager, Active: true}, "907153")
	if err != nil {
		t.Fatal(err)
	}
	cashier, err := auth.SaveStaff(ctx, owner, pos.Staff{Name: "李收银", Role: pos.RoleCashier, Active: true}, "135790")
	if err != nil {
		t.Fatal(err)
	}
	var lock *pos.LockedOutError
	for i := 1; i <= 10; i++ {
		check := auth.Login
		if i%2 == 0 {
			check = auth.CheckPIN
		}
		_, err := check(ctx, cashier.ID, "000111")
		wait, forGood := pos.LockoutAfter(i)
		if wait == 0 && !forGood && !errors.Is(err, pos.ErrWrongPIN) ||
			(wait > 0 || forGood) && (!errors.As(err, &lock) || lock.ForGood != forGood) {
			t.Fatalf("failure %d: %v", i, err)
		}
		c.now = c.now.Add(wait + time.Second)
	}
	c.now = c.now.Add(24 * time.Hour)
	if _, err := auth.Login(ctx, cashier.ID, "135790"); !errors.As(err, &lock) || !lock.ForGood {
		t.Fatalf("a day after 10 failures: %v", err)
	}
	if err := auth.ResetLockout(ctx, cashier, cashier.ID); !errors.Is(err, pos.ErrNotPermitted) {
		t.Errorf("a cashier resets: %v", err)
	}
	if err := auth.ResetLockout(ctx, mgr, cashier.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.CheckPIN(ctx, cashier.ID, "135790"); err != nil {
		t.Errorf("after reset: %v", err)
	}
	kinds := auditKinds(t, db)
	if n := countKind(kinds, pos.AuditLockout); n != 6 {
		t.Errorf("%d lockout events, want 6 (failures 5 to 10): %v", n, kinds)
	}
	if countKind(kinds, pos.AuditLockoutReset) != 1 {
		t.Errorf("no lockout reset event: %v", kinds)
	}
}

func countKind(ks []pos.AuditKind, k pos.AuditKind) int {
	n := 0
	for _, x := range ks {
		if x == k {
			n++
		}
	}
	return n
}

// No PIN is ever stored in clear: not in the database file, nor its WAL.
func TestPINNeverStoredInClear(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "zhanggui.db")
	c := &clock{now: storagetest.Epoch}
	db, auth := openStaff(t, path, c)
	ctx := context.Background()
	owner, err := auth.SetFirstOwnerPIN(ctx, "284716")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.SaveStaff(ctx, owner, pos.Staff{Name: "李收银", Role: pos.RoleCashier, Active: true}, "907153"); err != nil {
		t.Fatal(err)
	}
	auth.Login(ctx, owner.ID, "135790") // a wrong one is not kept either
	auth.Login(ctx, owner.ID, "284716")
	check := func() {
		files, _ := filepath.Glob(filepath.Join(dir, "zhanggui.db*"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, pin := range []string{"284716", "907153", "135790"} {
				if bytes.Contains(b, []byte(pin)) {
					t.Errorf("%s holds the PIN %s", filepath.Base(f), pin)
				}
			}
		}
	}
	check() // with the WAL
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	check() // checkpointed into the file
}

// The shop keeps exactly one active owner, and only the owner edits them.
func TestSaveStaffRules(t *testing.T) {
	db, auth, owner := newStaff(t)
	ctx := context.Background()
	mgr, err := auth.SaveStaff(ctx, owner, pos.Staff{Name: "王店长", Role: pos.RoleManager, Active: true, Badge: "04:a1:b2:c3"}, "907153")
	if err != nil || mgr.ID == 0 || mgr.Badge != "04A1B2C3" {
		t.Fatalf("add manager: %+v %v", mgr, err)
	}
	cases := []struct {
		name string
		by   pos.Staff
		s    pos.Staff
		pin  string
		want error
	}{
		{"second owner", owner, pos.Staff{Name: "二店主", Role: pos.RoleOwner, Active: true}, "", pos.ErrLastOwner},
		{"demote owner", owner, pos.Staff{ID: owner.ID, Name: owner.Name, Role: pos.RoleManager, Active: true}, "", pos.ErrLastOwner},
		{"deactivate owner", owner, pos.Staff{ID: owner.ID, Name: owner.Name, Role: pos.RoleOwner}, "", pos.ErrLastOwner},
		{"manager adds", mgr, pos.Staff{Name: "新人", Role: pos.RoleCashier, Active: true}, "", pos.ErrNotPermitted},
		{"weak PIN", owner, pos.Staff{Name: "新人", Role: pos.RoleCashier, Active: true}, "111111", pos.ErrWeakPIN},
		{"short PIN", owner, pos.Staff{Name: "新人", Role: pos.RoleCashier, Active: true}, "1234", pos.ErrPINFormat},
		{"no name", owner, pos.Staff{Name: " ", Role: pos.RoleCashier, Active: true}, "", pos.ErrBadStaff},
		{"bad role", owner, pos.Staff{Name: "新人", Role: "boss", Active: true}, "", pos.ErrBadStaff},
		{"same name", owner, pos.Staff{Name: "王店长", Role: pos.RoleCashier, Active: true}, "", pos.ErrStaffTaken},
		{"same badge", owner, pos.Staff{Name: "新人", Role: pos.RoleCashier, Active: true, Badge: "04A1B2C3"}, "", pos.ErrStaffTaken},
	}
	before := len(auditKinds(t, db))
	for _, c := range cases {
		if _, err := auth.SaveStaff(ctx, c.by, c.s, c.pin); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if after := len(auditKinds(t, db)); after != before {
		t.Errorf("refused edits wrote %d audit events", after-before)
	}
	mgr.Active = false
	if _, err := auth.SaveStaff(ctx, owner, mgr, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.Login(ctx, mgr.ID, "907153"); !errors.Is(err, pos.ErrStaffInactive) {
		t.Errorf("deactivated login: %v", err)
	}
	if _, err := auth.LoginBadge(ctx, "04a1b2c3"); !errors.Is(err, pos.ErrStaffInactive) {
		t.Errorf("deactivated badge: %v", err)
	}
	all, err := auth.Staff(ctx)
	if err != nil || len(all) != 3 || all[len(all)-1].ID != mgr.ID {
		t.Errorf("staff, the inactive last: %+v %v", all, err)
	}
}

func TestBadgeLogin(t *testing.T) {
	_, auth, owner := newStaff(t)
	ctx := context.Background()
	c, err := auth.SaveStaff(ctx, owner, pos.Staff{Name: "李收银", Role: pos.RoleCashier, Active: true, Badge: "04A1B2C3"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := auth.LoginBadge(ctx, "04 a1 b2 c3"); err != nil || got.ID != c.ID {
		t.Errorf("badge: %+v %v", got, err)
	}
	if _, err := auth.LoginBadge(ctx, "DEADBEEF"); !errors.Is(err, pos.ErrUnknownBadge) {
		t.Errorf("unknown badge: %v", err)
	}
	if _, err := auth.LoginBadge(ctx, ""); !errors.Is(err, pos.ErrUnknownBadge) {
		t.Errorf("empty badge: %v", err)
	}
}

func TestPermissionsSavedAndAudited(t *testing.T) {
	db, auth, owner := newStaff(t)
	ctx := context.Background()
	p, err := auth.Permissions(ctx)
	if err != nil || p.Grant(pos.RoleCashier, pos.ActDiscount) != pos.Approve {
		t.Fatalf("defaults: %v", err)
	}
	p.Grants[pos.ActDiscount][pos.RoleCashier] = pos.Allow
	p.Grants[pos.ActRefund][pos.RoleManager] = pos.Approve
	p.Limits.IdleLockMin = 10
	if err := auth.SavePermissions(ctx, owner, p); err != nil {
		t.Fatal(err)
	}
	got, err := auth.Permissions(ctx)
	if err != nil || got.Grant(pos.RoleCashier, pos.ActDiscount) != pos.Allow ||
		got.Grant(pos.RoleManager, pos.ActRefund) != pos.Approve || got.Limits.IdleLockMin != 10 {
		t.Fatalf("saved table: %+v %v", got.Limits, err)
	}
	var data []string
	db.ScanAudit(ctx, 1, func(ev pos.AuditEvent) error {
		if ev.Kind == pos.AuditPermission {
			data = append(data, ev.Subject+" "+ev.Data)
		}
		return nil
	})
	want := []string{
		`permission:discount/cashier {"action":"discount","new":"allow","old":"approve","role":"cashier"}`,
		`permission:refund/manager {"action":"refund","new":"approve","old":"allow","role":"manager"}`,
	}
	if len(data) != 3 || data[0] != want[0] || data[1] != want[1] || !strings.Contains(data[2], `"idle_lock_min":10`) {
		t.Errorf("audit:\n%s", strings.Join(data, "\n"))
	}
	got.Grants[pos.ActDiscount][pos.RoleCashier] = pos.Approve // back to the default
	if err := auth.SavePermissions(ctx, owner, got); err != nil {
		t.Fatal(err)
	}
	if again, _ := auth.Permissions(ctx); again.Grant(pos.RoleCashier, pos.ActDiscount) != pos.Approve {
		t.Error("back to the default did not stick")
	}
	cashier, _ := auth.SaveStaff(ctx, owner, pos.Staff{Name: "李收银", Role: pos.RoleCashier, Active: true}, "")
	if err := auth.SavePermissions(ctx, cashier, got); !errors.Is(err, pos.ErrNotPermitted) {
		t.Errorf("a cashier edits the table: %v", err)
	}
	got.Limits.IdleLockMin = -1
	if err := auth.SavePermissions(ctx, owner, got); !errors.Is(err, pos.ErrBadLimits) {
		t.Errorf("negative limit: %v", err)
	}
}

func TestTOTPEnrolSealed(t *testing.T) {
	db, auth, owner := newStaff(t)
	ctx := context.Background()
	mgr, _ := auth.SaveStaff(ctx, owner, pos.Staff{Name: "王店长", Role: pos.RoleManager, Active: true}, "907153")
	if _, err := auth.TOTPSecret(ctx, mgr.ID); !errors.Is(err, pos.ErrNoTOTP) {
		t.Fatalf("before enrol: %v", err)
	}
	uri, err := auth.EnrolTOTP(ctx, owner, mgr.ID)
	if err != nil || !strings.HasPrefix(uri, "otpauth://totp/") || !strings.Contains(uri, "secret=") {
		t.Fatalf("enrol: %q %v", uri, err)
	}
	secret, err := auth.TOTPSecret(ctx, mgr.ID)
	if err != nil || len(secret) != 20 {
		t.Fatalf("secret: %v", err)
	}
	all, _ := auth.Staff(ctx)
	for _, s := range all {
		if s.ID == mgr.ID && !s.TOTP {
			t.Error("Staff does not show the enrolment")
		}
	}
	other, err := storage.NewStaffAuthParams(db, bytes.Repeat([]byte{8}, 32), fastPIN)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.TOTPSecret(ctx, mgr.ID); !errors.Is(err, storage.ErrWrongKey) {
		t.Errorf("another pepper opens the secret: %v", err)
	}
}

func TestOwnerRecoveryCode(t *testing.T) {
	_, auth, owner := newStaff(t)
	ctx := context.Background()
	code, err := auth.NewRecoveryCode(ctx, owner)
	if err != nil || len(code) != 29 {
		t.Fatalf("code %q: %v", code, err)
	}
	if _, err := auth.ResetOwnerPIN(ctx, "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA", "907153"); !errors.Is(err, pos.ErrBadRecovery) {
		t.Errorf("wrong code: %v", err)
	}
	if _, err := auth.ResetOwnerPIN(ctx, strings.ToLower(code), "907153"); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.Login(ctx, owner.ID, "907153"); err != nil {
		t.Errorf("new PIN: %v", err)
	}
	if _, err := auth.ResetOwnerPIN(ctx, code, "135790"); !errors.Is(err, pos.ErrBadRecovery) {
		t.Errorf("the code is used up: %v", err)
	}
}
