package pos

import "context"

// actorKey carries the acting staff member's name in a context.
type actorKey struct{}

// WithActor returns ctx carrying who acts: a staff member's name as on
// receipts, or "os:USER" for a headless command. The store writes it as the
// Actor of the audit events of what it saves under that context, so the
// screens need not thread a name through every call.
func WithActor(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, actorKey{}, name)
}

// ActorOf is the name WithActor put in ctx, or "" when none.
func ActorOf(ctx context.Context) string {
	name, _ := ctx.Value(actorKey{}).(string)
	return name
}

// ActorSystem is the Actor of events no person caused: the sweeper
// resolving a payment, a scheduled backup.
const ActorSystem = "system"

// approverKey carries the approving staff member's name in a context.
type approverKey struct{}

// WithApprover returns ctx carrying who approved the action done under it
// (a manager's name as on receipts). The store writes it as the Approver
// of the audit events of what it saves under that context.
func WithApprover(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, approverKey{}, name)
}

// ApproverOf is the name WithApprover put in ctx, or "" when none.
func ApproverOf(ctx context.Context) string {
	name, _ := ctx.Value(approverKey{}).(string)
	return name
}
