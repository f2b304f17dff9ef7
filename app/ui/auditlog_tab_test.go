package ui

import (
	"context"
	"testing"
	"time"

	"zhanggui/app/ui/auditlog"
	"zhanggui/pos"
)

// auditTab returns the audit log's tab index, or -1 when it is hidden.
func auditTab(a *App) int {
	for i, it := range a.tabs.Items {
		if a.auditlog != nil && it.Content == a.auditlog.Content {
			return i
		}
	}
	return -1
}

// The owner sees the audit log, which shows what the till just did under
// the owner's name; a cashier does not see it.
func TestAuditTabForOwnerOnly(t *testing.T) {
	f := newFixture(t)
	f.app.deps.Audit = auditlog.Deps{Events: f.db.AuditEvents,
		Verify: func(ctx context.Context) (pos.AuditVerification, error) { return f.db.VerifyAudit(ctx, 1) }}
	f.app.build()
	i := auditTab(f.app)
	if i < 0 || f.app.tabs.Items[i].Text != T("Audit log") {
		t.Fatalf("the owner %+v has no audit tab", f.app.cashier)
	}
	s := f.payCash(t, 10, 0, "100", testProducts[0].Barcode)
	evs, err := f.db.AuditEvents(context.Background(), pos.AuditFilter{Kind: pos.AuditSale})
	if err != nil || len(evs) != 1 || evs[0].Subject != s.ID || evs[0].Actor != f.app.cashier.Name {
		t.Fatalf("the sale's audit event: %+v, %v", evs, err)
	}
	done := f.app.auditlog.Done()
	f.app.tabs.SelectIndex(i) // selecting it loads the log
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the audit log did not load")
	}
	f.app.cashier = pos.Staff{ID: 2, Name: "收银员", Role: pos.RoleCashier, Active: true}
	f.app.build()
	if auditTab(f.app) >= 0 {
		t.Error("a cashier sees the audit log")
	}
}
