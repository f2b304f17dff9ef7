package storage_test

import (
	"errors"
	"testing"

	"zhanggui/pos"
	"zhanggui/storage/storagetest"
)

// A cash move and a close carry their approval ("approval:ID"): the store
// uses it in the row's transaction and writes the approver's name; one for
// another amount is refused and changes nothing, a used one is refused.
func TestShiftRowsUseTheirApproval(t *testing.T) {
	db := storagetest.NewDB(t)
	sh := openTestShift(t, db, "sh1")
	out := pos.ApprovalRequest{ID: "req-1", Actions: []pos.Action{pos.ActPaidOut}, Subject: "shift:" + sh.ID,
		Amount: 5000, Requester: apCashier}
	approve(t, db, "ap-1", out, storagetest.Epoch)
	m := pos.CashMove{ID: "m1", ShiftID: sh.ID, Kind: pos.PaidOut, Amount: 4000, Reason: "菜", By: "收银员",
		Approver: "approval:ap-1"}
	if err := db.SaveCashMove(ctx, m); !errors.Is(err, pos.ErrApprovalMismatch) {
		t.Fatalf("a move of ¥40 on an approval of ¥50: %v", err)
	}
	m.Amount = 5000
	must(t, db.SaveCashMove(ctx, m))
	must(t, db.SaveCashMove(ctx, m)) // a retry is a no-op, not a second use
	m.ID = "m2"
	if err := db.SaveCashMove(ctx, m); !errors.Is(err, pos.ErrApprovalUsed) {
		t.Errorf("a second move on the approval: %v", err)
	}
	f, err := db.ShiftFigures(ctx, sh.ID)
	must(t, err)
	if f.PaidOut != 5000 {
		t.Errorf("paid out %v, want the one approved move of ¥50", f.PaidOut)
	}
	closeReq := pos.ApprovalRequest{ID: "req-2", Actions: []pos.Action{pos.ActShiftClose}, Subject: "shift:" + sh.ID,
		Requester: apCashier}
	approve(t, db, "ap-2", closeReq, storagetest.Epoch)
	closed, err := db.CloseShift(ctx, pos.ShiftClosing{ID: "c1", ShiftID: sh.ID, By: "收银员", Counted: pos.Count{10000: 2, 1000: 2, 100: 3}, // ¥223 = ¥273 − ¥50
		Approver: "approval:ap-2"}, 0)
	must(t, err)
	if closed.Approver != "店长" {
		t.Errorf("the close's approver %q, want 店长", closed.Approver)
	}
	var moved, shut bool
	for _, ev := range auditEvents(t, db) {
		moved = moved || ev.Kind == pos.AuditCashMove && ev.Approver == "店长"
		shut = shut || ev.Kind == pos.AuditShiftClose && ev.Approver == "店长"
	}
	if !moved || !shut {
		t.Errorf("the approver in the audit: cash move %v, close %v", moved, shut)
	}
}
