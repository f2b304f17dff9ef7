package storage_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

var (
	apOwner   = pos.Staff{ID: 1, Name: "店主", Role: pos.RoleOwner, Active: true}
	apManager = pos.Staff{ID: 3, Name: "店长", Role: pos.RoleManager, Active: true}
	apCashier = pos.Staff{ID: 2, Name: "收银员", Role: pos.RoleCashier, Active: true}
)

// drawerRequest is a cashier asking to open the drawer without a sale.
func drawerRequest(id string) pos.ApprovalRequest {
	return pos.ApprovalRequest{ID: id, Actions: []pos.Action{pos.ActDrawerOpen}, Subject: "drawer",
		Reason: "change", Requester: apCashier}
}

// approve records the manager's approval of req, given at at.
func approve(t *testing.T, db *storage.DB, id string, req pos.ApprovalRequest, at time.Time) pos.Approval {
	t.Helper()
	a, err := pos.NewApproval(pos.DefaultPermissions(), req, apManager, pos.MethodPIN, at)
	if err != nil {
		t.Fatal(err)
	}
	a.ID = id
	if err := db.RecordApproval(context.Background(), a); err != nil {
		t.Fatalf("RecordApproval: %v", err)
	}
	return a
}

func auditEvents(t *testing.T, db *storage.DB) []pos.AuditEvent {
	t.Helper()
	var out []pos.AuditEvent
	if err := db.ScanAudit(context.Background(), 1, func(ev pos.AuditEvent) error {
		out = append(out, ev)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// An approval is recorded and audited, then used once by its action, whose
// audit event names the approver; a second use is refused.
func TestApprovalSingleUse(t *testing.T) {
	db := storagetest.NewDB(t)
	ctx := context.Background()
	req := drawerRequest("req-1")
	approve(t, db, "ap-1", req, storagetest.Epoch)

	ev := pos.AuditEvent{Kind: pos.AuditDrawerOpen, Subject: "drawer"}
	a, err := db.ConsumeApproval(ctx, "ap-1", req, ev)
	if err != nil {
		t.Fatalf("ConsumeApproval: %v", err)
	}
	if !a.Used || a.Approver.Name != apManager.Name || a.Till != "01-01" {
		t.Errorf("consumed approval = %+v, want used, by 店长, till 01-01", a)
	}
	if _, err := db.ConsumeApproval(ctx, "ap-1", req, ev); !errors.Is(err, pos.ErrApprovalUsed) {
		t.Errorf("second ConsumeApproval = %v, want ErrApprovalUsed", err)
	}
	evs := auditEvents(t, db)
	if len(evs) != 2 {
		t.Fatalf("audit has %d events, want the approval and the drawer open: %+v", len(evs), evs)
	}
	if e := evs[0]; e.Kind != pos.AuditApproval || e.Actor != "收银员" || e.Approver != "店长" || e.Till != "01-01" {
		t.Errorf("approval event = %+v", e)
	}
	if e := evs[1]; e.Kind != pos.AuditDrawerOpen || e.Actor != "收银员" || e.Approver != "店长" {
		t.Errorf("drawer event = %+v, want actor 收银员, approver 店长", e)
	}
	got, err := db.Approval(ctx, "ap-1")
	if err != nil || !got.Used || got.Method != pos.MethodPIN || string(got.Digest) != string(req.Digest()) {
		t.Errorf("Approval(ap-1) = %+v, %v", got, err)
	}
}

// A mismatched, expired or unknown approval is refused and changes nothing.
func TestApprovalRefused(t *testing.T) {
	db := storagetest.NewDB(t)
	ctx := context.Background()
	req := drawerRequest("req-1")
	approve(t, db, "ap-1", req, storagetest.Epoch)

	other := req
	other.Amount = 100
	if _, err := db.ConsumeApproval(ctx, "ap-1", other, pos.AuditEvent{}); !errors.Is(err, pos.ErrApprovalMismatch) {
		t.Errorf("ConsumeApproval for another amount = %v, want ErrApprovalMismatch", err)
	}
	if _, err := db.ConsumeApproval(ctx, "ap-1", drawerRequest("req-2"), pos.AuditEvent{}); !errors.Is(err, pos.ErrApprovalMismatch) {
		t.Errorf("ConsumeApproval for another request = %v, want ErrApprovalMismatch", err)
	}
	if _, err := db.ConsumeApproval(ctx, "nope", req, pos.AuditEvent{}); !errors.Is(err, storage.ErrNoApproval) {
		t.Errorf("ConsumeApproval of an unknown ID = %v, want ErrNoApproval", err)
	}
	db.Now = storagetest.Clock(storagetest.Epoch.Add(pos.ApprovalMaxAge + time.Second))
	if _, err := db.ConsumeApproval(ctx, "ap-1", req, pos.AuditEvent{Kind: pos.AuditDrawerOpen}); !errors.Is(err, pos.ErrApprovalExpired) {
		t.Errorf("ConsumeApproval after %v = %v, want ErrApprovalExpired", pos.ApprovalMaxAge, err)
	}
	if a, _ := db.Approval(ctx, "ap-1"); a.Used {
		t.Errorf("a refused use marked the approval used")
	}
	if n := len(auditEvents(t, db)); n != 1 {
		t.Errorf("audit has %d events after refused uses, want only the approval's", n)
	}
}

// Recording the same approval again is a no-op; a second approval of the
// same request, a self-approval and a reused TOTP step are refused.
func TestRecordApprovalRules(t *testing.T) {
	db := storagetest.NewDB(t)
	ctx := context.Background()
	req := drawerRequest("req-1")
	a := approve(t, db, "ap-1", req, storagetest.Epoch)
	if err := db.RecordApproval(ctx, a); err != nil {
		t.Errorf("recording ap-1 again = %v, want a no-op", err)
	}
	b := a
	b.ID = "ap-2"
	if err := db.RecordApproval(ctx, b); pos.ErrorCode(err) != pos.CodeConflict {
		t.Errorf("a second approval of req-1 = %v, want a conflict", err)
	}
	self := a
	self.ID, self.RequestID, self.Approver = "ap-3", "req-3", apCashier
	if err := db.RecordApproval(ctx, self); !errors.Is(err, pos.ErrSelfApproval) {
		t.Errorf("a cashier's self-approval = %v, want ErrSelfApproval", err)
	}

	totp := func(id, reqID string) pos.Approval {
		r := drawerRequest(reqID)
		x, err := pos.NewApproval(pos.DefaultPermissions(), r, apManager, pos.MethodTOTP, storagetest.Epoch)
		if err != nil {
			t.Fatal(err)
		}
		x.ID, x.TOTPStep, x.Challenge = id, pos.TOTPStep(storagetest.Epoch), pos.Challenge([]byte("k"), r)
		return x
	}
	if err := db.RecordApproval(ctx, totp("ap-4", "req-4")); err != nil {
		t.Fatalf("TOTP approval: %v", err)
	}
	if err := db.RecordApproval(ctx, totp("ap-5", "req-5")); !errors.Is(err, pos.ErrTOTPReused) {
		t.Errorf("the same TOTP step for another request = %v, want ErrTOTPReused", err)
	}
	if n := len(auditEvents(t, db)); n != 2 {
		t.Errorf("audit has %d events, want 2 (ap-1, ap-4)", n)
	}
}

// The table keeps approvals: no delete, and used_at set once only.
func TestApprovalsAppendOnly(t *testing.T) {
	db := storagetest.NewDB(t)
	approve(t, db, "ap-1", drawerRequest("req-1"), storagetest.Epoch)
	raw := rawDB(t, db.Path())
	for _, q := range []string{
		`DELETE FROM approvals`,
		`UPDATE approvals SET amount_fen = 1`,
		`UPDATE approvals SET used_at = 'x', approver = '收银员'`,
	} {
		if _, err := raw.Exec(q); err == nil {
			t.Errorf("%s: no error, want the trigger's refusal", q)
		}
	}
	if _, err := raw.Exec(`UPDATE approvals SET used_at = 'x'`); err != nil {
		t.Fatalf("marking used: %v", err)
	}
	if _, err := raw.Exec(`UPDATE approvals SET used_at = 'y'`); err == nil {
		t.Errorf("marking used twice: no error, want the trigger's refusal")
	}
}
