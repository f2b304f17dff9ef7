package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// ErrNoApproval means no approval has the ID given: the gated action does
// not go ahead.
var ErrNoApproval = pos.Errorf(pos.CodeNotFound, "storage: no such approval")

// RecordApproval stores a manager's approval and its audit event (actor:
// who asked; approver: who approved) in one transaction. Recording the same
// approval again is a no-op; a second approval of the same request, or a
// TOTP step the approver already used (pos.ErrTOTPReused), is refused.
// A Till left empty is filled from the settings (store code - till code).
func (db *DB) RecordApproval(ctx context.Context, a pos.Approval) error {
	if err := validApproval(a); err != nil {
		return fmt.Errorf("storage: record approval %s: %w", a.ID, err)
	}
	if a.Till == "" {
		st, err := db.Settings(ctx)
		if err != nil {
			return fmt.Errorf("storage: record approval %s: %w", a.ID, err)
		}
		a.Till = st.StoreCode + "-" + st.TillCode
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: record approval %s: %w", a.ID, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	done, err := insertApproval(ctx, tx, a)
	if err != nil || done {
		return wrapApproval(a.ID, err)
	}
	if _, err := appendAudit(ctx, tx, approvalEvent(a)); err != nil {
		return fmt.Errorf("storage: record approval %s: %w", a.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: record approval %s: commit: %w", a.ID, classify(err))
	}
	return nil
}

func wrapApproval(id string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("storage: record approval %s: %w", id, err)
}

// validApproval refuses what no approval may be.
func validApproval(a pos.Approval) error {
	switch {
	case a.ID == "" || a.RequestID == "" || len(a.Digest) != 32 || len(a.Actions) == 0:
		return pos.Errorf(pos.CodeInvalid, "an approval needs an ID, a request, its digest and actions")
	case a.Amount < 0:
		return pos.Errorf(pos.CodeInvalid, "negative amount %d", a.Amount)
	case a.Approver.ID == a.Requester.ID && a.Method != pos.MethodOwnerSelf:
		return pos.ErrSelfApproval
	case (a.Method == pos.MethodTOTP) != (a.TOTPStep != 0):
		return pos.Errorf(pos.CodeInvalid, "a TOTP approval, and only one, has a time step")
	}
	return nil
}

// insertApproval adds a's row. done is true when the very same approval
// was already there (a retry).
func insertApproval(ctx context.Context, tx *tx, a pos.Approval) (done bool, err error) {
	acts, err := json.Marshal(a.Actions)
	if err != nil {
		return false, err
	}
	var step any
	if a.Method == pos.MethodTOTP {
		step = a.TOTPStep
	}
	const q = `INSERT INTO approvals (id, request_id, digest, actions, subject, amount_fen, reason, note,
		requester_id, requester, approver_id, approver, method, challenge, totp_step, till, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	_, err = tx.ExecContext(ctx, q, a.ID, a.RequestID, a.Digest, string(acts), a.Subject, int64(a.Amount),
		a.Reason, a.Note, a.Requester.ID, a.Requester.Name, a.Approver.ID, a.Approver.Name, a.Method,
		a.Challenge, step, a.Till, formatTime(a.At))
	if err = classify(err); pos.ErrorCode(err) != pos.CodeConflict {
		return false, err
	}
	return approvalConflict(ctx, tx, a, err)
}

// approvalConflict explains a refused insert: the same approval again (a
// retry, done), a TOTP step used before, or another approval of the
// request.
func approvalConflict(ctx context.Context, tx *tx, a pos.Approval, cause error) (bool, error) {
	old, err := loadApproval(ctx, tx, a.ID)
	if err == nil && old.RequestID == a.RequestID && string(old.Digest) == string(a.Digest) &&
		old.Approver.ID == a.Approver.ID {
		return true, nil
	}
	if a.Method == pos.MethodTOTP {
		var n int
		const q = `SELECT count(*) FROM approvals WHERE approver_id = ? AND totp_step = ?`
		if err := tx.QueryRowContext(ctx, q, a.Approver.ID, a.TOTPStep).Scan(&n); err != nil {
			return false, classify(err)
		}
		if n > 0 {
			return false, pos.ErrTOTPReused
		}
	}
	return false, cause
}

// approvalEvent is the audit event of an approval being given.
func approvalEvent(a pos.Approval) pos.AuditEvent {
	acts := make([]any, len(a.Actions))
	for i, x := range a.Actions {
		acts[i] = string(x)
	}
	data := map[string]any{"approval": a.ID, "request": a.RequestID, "actions": acts,
		"amount_fen": int64(a.Amount), "reason": a.Reason, "note": a.Note, "method": a.Method}
	if a.Challenge != "" {
		data["challenge"] = a.Challenge
	}
	return pos.AuditEvent{At: a.At, Till: a.Till, Actor: a.Requester.Name, Approver: a.Approver.Name,
		Kind: pos.AuditApproval, Subject: a.Subject, Data: pos.AuditData(data)}
}

// useApproval marks approval id used by req, inside the gated action's own
// transaction: refused (and nothing marked) unless it covers req now.
func useApproval(ctx context.Context, tx *tx, id string, req pos.ApprovalRequest) (pos.Approval, error) {
	a, err := loadApproval(ctx, tx, id)
	if err != nil {
		return a, err
	}
	if err := a.Covers(req, tx.now); err != nil {
		return a, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE approvals SET used_at = ? WHERE id = ? AND used_at IS NULL`,
		formatTime(tx.now), id)
	if err != nil {
		return a, classify(err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return a, pos.ErrApprovalUsed
	}
	a.Used = true
	return a, nil
}

// ConsumeApproval uses approval id for req, for a gated action with no row
// of its own (a drawer open, a discount on the cart): one transaction marks
// it used and, when ev has a Kind, appends the action's audit event with
// the approver named (and the requester as actor when ev names none). A
// reused, expired or mismatched approval is refused and changes nothing.
func (db *DB) ConsumeApproval(ctx context.Context, id string, req pos.ApprovalRequest, ev pos.AuditEvent) (pos.Approval, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return pos.Approval{}, fmt.Errorf("storage: use approval %s: %w", id, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	a, err := useApproval(ctx, tx, id, req)
	if err != nil {
		return a, fmt.Errorf("storage: use approval %s: %w", id, err)
	}
	if ev.Kind != "" {
		ev.Approver = a.Approver.Name
		if ev.Actor == "" {
			ev.Actor = a.Requester.Name
		}
		if ev.Till == "" {
			ev.Till = a.Till
		}
		if _, err := appendAudit(ctx, tx, ev); err != nil {
			return a, fmt.Errorf("storage: use approval %s: %w", id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return a, fmt.Errorf("storage: use approval %s: commit: %w", id, classify(err))
	}
	return a, nil
}

// Approval returns the approval with id.
func (db *DB) Approval(ctx context.Context, id string) (pos.Approval, error) {
	a, err := loadApproval(ctx, db.ro, id)
	if err != nil {
		return a, fmt.Errorf("storage: approval %s: %w", id, err)
	}
	return a, nil
}

func loadApproval(ctx context.Context, q querier, id string) (pos.Approval, error) {
	var a pos.Approval
	var acts, at string
	var amount int64
	var step sql.NullInt64
	var used sql.NullString
	const sel = `SELECT id, request_id, digest, actions, subject, amount_fen, reason, note, requester_id,
		requester, approver_id, approver, method, challenge, totp_step, till, at, used_at
		FROM approvals WHERE id = ?`
	err := q.QueryRowContext(ctx, sel, id).Scan(&a.ID, &a.RequestID, &a.Digest, &acts, &a.Subject, &amount,
		&a.Reason, &a.Note, &a.Requester.ID, &a.Requester.Name, &a.Approver.ID, &a.Approver.Name, &a.Method,
		&a.Challenge, &step, &a.Till, &at, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNoApproval
	}
	if err != nil {
		return a, classify(err)
	}
	if err := json.Unmarshal([]byte(acts), &a.Actions); err != nil {
		return a, fmt.Errorf("%w: approval actions: %w", ErrCorrupt, err)
	}
	a.Amount, a.TOTPStep, a.Used = money.Fen(amount), step.Int64, used.Valid
	a.At, err = parseTime(at)
	return a, err
}
