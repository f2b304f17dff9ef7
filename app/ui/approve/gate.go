// Package approve is the till's manager approval: the gate every gated
// action passes (Permissions.Decide of who is at the till: allow, ask for
// an approval, or refuse) and the approval sheet, where a manager or the
// owner types their PIN on this till, or answers the sheet's challenge
// with their authenticator's code read over the phone.
//
// It never imports app/ui; app/ui builds a Gate and calls Do.
package approve

import (
	"context"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"zhanggui/app/ui/kit"
	"zhanggui/pos"
	"zhanggui/pos/money"
)

// Staffing is what the gate and the sheet need of the staff service.
type Staffing interface {
	Staff(ctx context.Context) ([]pos.Staff, error)
	// CheckPIN checks an approver's PIN with the login's lockout; a wrong
	// one counts against that member.
	CheckPIN(ctx context.Context, id int64, pin string) (pos.Staff, error)
	// CheckTOTP checks the code an approver's authenticator shows, with
	// the same lockout: a wrong one counts against that member. It
	// returns the code's time step.
	CheckTOTP(ctx context.Context, id int64, code string) (pos.Staff, int64, error)
	Permissions(ctx context.Context) (pos.Permissions, error)
}

// Store records approvals and uses them (storage.DB).
type Store interface {
	RecordApproval(ctx context.Context, a pos.Approval) error
	ConsumeApproval(ctx context.Context, id string, req pos.ApprovalRequest, ev pos.AuditEvent) (pos.Approval, error)
	AppendAudit(ctx context.Context, ev pos.AuditEvent) (pos.AuditEvent, error)
}

// Deps is what the gate uses, wired by package app.
type Deps struct {
	Staff   Staffing              // nil: the default permissions, and nobody to approve
	Store   Store                 // nil: nothing can be approved nor audited
	TillKey []byte                // the key the challenges are made with (never shown)
	Till    func() string         // the till's name in audit events (store code - till code)
	Zone    func() *time.Location // the shop's time zone; nil: UTC
	NewID   func() string
	Now     func() time.Time
	Log     *slog.Logger
}

// Intent is one gated thing a person wants to do at the till.
type Intent struct {
	Actions []pos.Action // the gated actions it is; the strictest decides
	What    string       // the action in the till's words, for the sheet and the refusal
	Subject string       // the row it is about, for the audit ("sale:ID", "cart:ID"; "" for none)
	Detail  string       // what it is about in the till's words (an order number, a line), for the sheet
	Amount  money.Fen
	// Audit is the event the gate writes once the action is done, naming
	// the approver; "" when the action's own store records it.
	Audit pos.AuditKind
	Data  map[string]any // the audit event's details
}

// Gate decides, asks and records for the gated actions of one window.
type Gate struct {
	Deps Deps
	Win  fyne.Window
	Who  func() pos.Staff // who is at the till now
	// Tell shows a refusal or a problem in the screen's own place; nil
	// shows it in a dialog.
	Tell func(msg string)

	Sheet *Sheet // the approval sheet open, if any (tests drive it)

	opened func(*Sheet) // tests: told when a sheet opens
}

// Cancel closes the open approval sheet, if any, as its Cancel button
// does (the till locks: nothing is approved over the login screen).
func (g *Gate) Cancel() {
	if g.Sheet != nil {
		g.Sheet.close()
	}
}

// Do runs act when who may do in: at once when allowed, after an approval
// (sheet, then the approval consumed) when one is needed; a refusal is
// told in words. act gets the approver (a zero Staff when none was needed)
// and reports whether the action was done.
func (g *Gate) Do(in Intent, act func(approver pos.Staff) error) {
	who := g.Who()
	p, err := g.permissions()
	if err != nil {
		g.fail(err)
		return
	}
	switch p.Decide(who.Role, in.Actions...) {
	case pos.Allow:
		if err := act(pos.Staff{}); err == nil {
			g.audit(in, who, pos.Staff{}, "")
		}
	case pos.Approve:
		g.ask(p, in, who, func(a pos.Approval, req pos.ApprovalRequest) { g.consume(in, who, a, req, act) }, nil)
	default:
		g.tell(kit.Tf("%s is not allowed for %s (%s). Ask the owner.", in.What, who.Name, RoleName(who.Role)))
	}
}

// Decide is what who may do of actions now, for screens that show or hide
// a button by it.
func (g *Gate) Decide(actions ...pos.Action) pos.Grant {
	p, err := g.permissions()
	if err != nil {
		return pos.Deny
	}
	return p.Decide(g.Who().Role, actions...)
}

// Limits are the shop's thresholds (which intents are which actions).
func (g *Gate) Limits() pos.Limits {
	p, err := g.permissions()
	if err != nil {
		return pos.DefaultLimits()
	}
	return p.Limits
}

func (g *Gate) permissions() (pos.Permissions, error) {
	if g.Deps.Staff == nil {
		return pos.DefaultPermissions(), nil
	}
	return g.Deps.Staff.Permissions(context.Background())
}

// consume uses the approval for its request, then acts and records.
func (g *Gate) consume(in Intent, who pos.Staff, a pos.Approval, req pos.ApprovalRequest, act func(pos.Staff) error) {
	used, err := g.Deps.Store.ConsumeApproval(context.Background(), a.ID, req, pos.AuditEvent{})
	if err != nil {
		g.fail(err)
		return
	}
	if err := act(used.Approver); err == nil {
		g.audit(in, who, used.Approver, used.ID)
	}
}

// audit writes the intent's event, when the action has no store of its
// own recording it.
func (g *Gate) audit(in Intent, who, approver pos.Staff, approval string) {
	if in.Audit == "" || g.Deps.Store == nil {
		return
	}
	data := map[string]any{"amount_fen": int64(in.Amount)}
	for k, v := range in.Data {
		data[k] = v
	}
	if approval != "" {
		data["approval"] = approval
	}
	ev := pos.AuditEvent{Till: g.till(), Actor: who.Name, Approver: approver.Name, Kind: in.Audit,
		Subject: in.Subject, Data: pos.AuditData(data)}
	if _, err := g.Deps.Store.AppendAudit(context.Background(), ev); err != nil {
		g.Deps.Log.Error("audit", "kind", in.Audit, "err", err)
	}
}

func (g *Gate) till() string {
	if g.Deps.Till == nil {
		return ""
	}
	return g.Deps.Till()
}

// fail logs err and tells its meaning.
func (g *Gate) fail(err error) {
	if g.Deps.Log != nil {
		g.Deps.Log.Warn("approval", "err", err)
	}
	g.tell(Message(err, g.zone()))
}

func (g *Gate) zone() *time.Location {
	if g.Deps.Zone == nil {
		return time.UTC
	}
	return g.Deps.Zone()
}

func (g *Gate) tell(msg string) {
	if g.Tell != nil {
		g.Tell(msg)
		return
	}
	dialog.ShowInformation(kit.T("Not allowed"), msg, g.Win)
}
