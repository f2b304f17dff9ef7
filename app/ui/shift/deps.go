package shift

import (
	"context"

	"fyne.io/fyne/v2"

	"zhanggui/hardware/printer"
	"zhanggui/pos"
	"zhanggui/pos/money"
)

// Store is what the shift screens need of the store (storage.DB).
type Store interface {
	CurrentShift(ctx context.Context) (pos.Shift, error)
	OpenShift(ctx context.Context, o pos.ShiftOpening) (pos.Shift, error)
	SaveCashMove(ctx context.Context, m pos.CashMove) error
	ShiftFigures(ctx context.Context, id string) (pos.ShiftFigures, error)
	CloseBlockers(ctx context.Context) (*pos.ShiftBlockedError, error)
	CloseShift(ctx context.Context, c pos.ShiftClosing, recountOver money.Fen) (pos.Shift, error)
	Shifts(ctx context.Context, limit int) ([]pos.Shift, error)
	SaveZReport(ctx context.Context, by, till string) (pos.ZReport, error)
	AuditHead(ctx context.Context) (int64, []byte, error)
	AppendAudit(ctx context.Context, ev pos.AuditEvent) (pos.AuditEvent, error)
}

// ApprovalRequest asks a manager to approve an action the table grants
// only with approval (pos.Approve). The lead maps it onto the approval
// sheet's request.
type ApprovalRequest struct {
	Actions   []pos.Action
	Subject   string // "shift:ID"
	Amount    money.Fen
	Reason    string
	Requester pos.Staff
}

// Deps is what the screens use, wired by app/ui.
type Deps struct {
	Store       Store
	Window      fyne.Window
	Who         func() pos.Staff // the staff member at the till
	Settings    func() pos.Settings
	Permissions func() pos.Permissions
	// Approve shows the approval sheet for req and returns the approval's
	// ID when a manager approved it; nil refuses what needs approval.
	Approve func(req ApprovalRequest) (approvalID string, ok bool)
	// Print queues a document on the receipt printer; nil when none.
	Print func(d printer.Doc) error
	NewID func() string
}

// till is the till's name in the audit log: store code + "-" + till code.
func (d Deps) till() string {
	st := d.Settings()
	return st.StoreCode + "-" + st.TillCode
}
