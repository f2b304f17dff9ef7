package storage

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"zhanggui/pos"
)

// useApproval inside a transaction that rolls back leaves the approval
// unused: it is used with the gated action's rows or not at all.
func TestUseApprovalRollsBackWithItsAction(t *testing.T) {
	db, err := Open(filepath.Join(t.TempDir(), "z.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 12, 8, 2, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return at.Add(time.Second) }
	ctx := context.Background()
	cashier := pos.Staff{ID: 2, Name: "收银员", Role: pos.RoleCashier, Active: true}
	manager := pos.Staff{ID: 3, Name: "店长", Role: pos.RoleManager, Active: true}
	req := pos.ApprovalRequest{ID: "req-1", Actions: []pos.Action{pos.ActRefund}, Subject: "sale:S1",
		Amount: 500, Requester: cashier}
	a, err := pos.NewApproval(pos.DefaultPermissions(), req, manager, pos.MethodPIN, at)
	if err != nil {
		t.Fatal(err)
	}
	a.ID = "ap-1"
	if err := db.RecordApproval(ctx, a); err != nil {
		t.Fatal(err)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := useApproval(ctx, tx, "ap-1", req); err != nil {
		t.Fatalf("useApproval: %v", err)
	}
	if _, err := useApproval(ctx, tx, "ap-1", req); !errors.Is(err, pos.ErrApprovalUsed) {
		t.Errorf("useApproval twice in one transaction = %v, want ErrApprovalUsed", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ConsumeApproval(ctx, "ap-1", req, pos.AuditEvent{}); err != nil {
		t.Errorf("ConsumeApproval after the rolled-back use = %v, want it still usable", err)
	}
}
