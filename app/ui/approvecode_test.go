package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"zhanggui/pos"
	"zhanggui/storage/storagetest"
)

// Five wrong authenticator codes at the approval sheet lock the manager
// out, each audited: the right code is refused after them, and so is the
// manager's PIN.
func TestWrongCodesAtSheetLockApproverOut(t *testing.T) {
	f := newFixture(t)
	tm := f.approvals(t, pos.RoleCashier)
	f.app.hardware.refresh()
	test.Tap(f.app.hardware.drawer)
	s := f.app.gate.Sheet
	if s == nil {
		t.Fatalf("no approval sheet for the drawer (refusal %q)", f.app.refusal)
	}
	test.Tap(s.Away)
	s.Reason.SetSelectedIndex(4)
	right := pos.TOTP(tm.ManagerTOTP, f.db.Now())
	wrong := "000000"
	if wrong == right {
		wrong = "111111"
	}
	for range 5 {
		test.Type(s.Code, wrong)
		test.Tap(s.ApproveCode)
	}
	test.Type(s.Code, right)
	test.Tap(s.ApproveCode)
	if len(f.print.jobs) != 0 || f.app.gate.Sheet == nil || s.Msg.Text == "" {
		t.Fatalf("the right code after five wrong ones: %d jobs, msg %q; want it refused", len(f.print.jobs), s.Msg.Text)
	}
	var lock *pos.LockedOutError
	if _, err := tm.Auth.CheckPIN(context.Background(), tm.Manager.ID, storagetest.ManagerPIN); !errors.As(err, &lock) {
		t.Errorf("the manager's PIN after five wrong codes: %v, want locked out", err)
	}
	failed := 0
	if err := f.db.ScanAudit(context.Background(), 1, func(e pos.AuditEvent) error {
		if e.Kind == pos.AuditLoginFailed && strings.Contains(e.Data, `"for":"approval_totp"`) {
			failed++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if failed != 6 {
		t.Errorf("%d failed codes audited, want 6 (5 wrong, 1 while locked out)", failed)
	}
}
