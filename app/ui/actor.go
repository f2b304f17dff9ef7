package ui

import (
	"context"
	"sync"
	"time"

	"zhanggui/pos"
)

// actx is a context naming who is at the till (pos.WithActor): the store
// writes that name as the actor of the audit events of what is saved under
// it, and the payment service records it as who took a payment or gave a
// refund.
func (a *App) actx() context.Context {
	ctx := pos.WithActor(context.Background(), a.cashier.Name)
	if approver := a.takeApprover(); approver != "" {
		ctx = pos.WithApprover(ctx, approver)
	}
	return ctx
}

// approved holds the approver of the gated action under way whose own
// store call writes its audit event (a refund, the settings, the channel
// keys, the catalogue, a restore): the next actx hands it to that call
// (pos.WithApprover), once, within the approval's two minutes. The next
// gated action, a key at the checkout (touch), a lock and a login clear
// it, so an action given up (a dialog cancelled) leaves nothing for the
// next sale. A mutex: a refund calls actx from its own goroutine.
type approved struct {
	mu   sync.Mutex
	name string
	at   time.Time
}

// setApprover notes name (or none) as the approver of what comes next.
func (a *App) setApprover(name string) {
	a.approval.mu.Lock()
	a.approval.name, a.approval.at = name, a.deps.Now()
	a.approval.mu.Unlock()
}

// takeApprover is the approver noted, and forgets it.
func (a *App) takeApprover() string {
	a.approval.mu.Lock()
	defer a.approval.mu.Unlock()
	name := a.approval.name
	a.approval.name = ""
	if name == "" || a.deps.Now().Sub(a.approval.at) > pos.ApprovalMaxAge {
		return ""
	}
	return name
}
