package storage

import (
	"context"
	"slices"
	"strings"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// approvalRef is the prefix of the Approver a cash move or a shift close
// carries when an approval was needed: "approval:ID", as the shift
// screens write it. The store uses that approval in the row's own
// transaction and records the approver's name instead.
const approvalRef = "approval:"

// shiftApproval uses the approval a shift row names (approver
// "approval:ID") inside tx: it must have been given for action on subject,
// for amount, asked by by, and never used; the approver's name is
// returned. An approver that names no approval is returned as it is (a
// name, or "" when none was needed).
func shiftApproval(ctx context.Context, tx *tx, approver string, action pos.Action, subject string,
	amount money.Fen, by string) (string, string, error) {
	id, ok := strings.CutPrefix(approver, approvalRef)
	if !ok {
		return approver, "", nil
	}
	a, err := loadApproval(ctx, tx, id)
	if err != nil {
		return "", id, err
	}
	if !slices.Contains(a.Actions, action) || a.Subject != subject || a.Amount != amount || a.Requester.Name != by {
		return "", id, pos.ErrApprovalMismatch
	}
	req := pos.ApprovalRequest{ID: a.RequestID, Actions: a.Actions, Subject: a.Subject, Amount: a.Amount,
		Requester: a.Requester}
	if a, err = useApproval(ctx, tx, id, req); err != nil {
		return "", id, err
	}
	return a.Approver.Name, id, nil
}
