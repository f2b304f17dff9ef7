package approve

import (
	"context"

	"fyne.io/fyne/v2"

	"zhanggui/pos"
)

// Approved asks for an approval of in for who is at the till and waits for
// it, for screens that gate from their own goroutine (app/ui/shift's
// Approve hook). It must not run on the Fyne goroutine, which shows the
// sheet. It returns the approval, already used (so it cannot approve
// anything else), and true; false when the sheet was cancelled, nobody may
// approve, or the approval could not be used. It does not check whether an
// approval is needed: the caller has asked Decide.
func (g *Gate) Approved(in Intent) (pos.Approval, bool) {
	a, req, ok := g.Granted(in)
	if !ok {
		return pos.Approval{}, false
	}
	used, err := g.Deps.Store.ConsumeApproval(context.Background(), a.ID, req, pos.AuditEvent{})
	if err != nil {
		fyne.Do(func() { g.fail(err) })
		return pos.Approval{}, false
	}
	return used, true
}

// Granted is Approved without using the approval: for an action whose
// store uses it inside its own transaction (a cash move, a shift close:
// the approval's ID travels with the row). It returns the approval as
// recorded, unused, and the request it covers.
func (g *Gate) Granted(in Intent) (pos.Approval, pos.ApprovalRequest, bool) {
	type result struct {
		a   pos.Approval
		req pos.ApprovalRequest
		ok  bool
	}
	ch := make(chan result, 1)
	fyne.Do(func() {
		p, err := g.permissions()
		if err != nil {
			g.fail(err)
			ch <- result{}
			return
		}
		done := func(a pos.Approval, req pos.ApprovalRequest) { ch <- result{a, req, true} }
		if !g.ask(p, in, g.Who(), done, func() { ch <- result{} }) {
			ch <- result{} // told why
		}
	})
	r := <-ch
	return r.a, r.req, r.ok
}
