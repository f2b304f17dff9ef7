package payments_test

import (
	"context"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage/storagetest"
)

// The staff member the screen's context names is who took the payment and
// gave the refund: stored on the rows and the actor of their audit events.
func TestPaymentAndRefundRecordStaff(t *testing.T) {
	svc, _, sdb := newService(t, map[string][]answer{"pay": {ok}})
	ctx := pos.WithActor(context.Background(), "李收银")
	p, err := svc.PayCode(ctx, "sale-staff", alipayCode, 1250, nil)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := sdb.Payment(ctx, p.ID)
	if err != nil || stored.Staff != "李收银" {
		t.Errorf("payment staff %q, %v", stored.Staff, err)
	}
	var payActors []string
	err = sdb.ScanAudit(ctx, 1, func(ev pos.AuditEvent) error {
		payActors = append(payActors, ev.Actor)
		return nil
	})
	if err != nil || len(payActors) < 2 {
		t.Fatalf("the payment's audit events: %v, %v", payActors, err)
	}
	for _, a := range payActors {
		if a != "李收银" {
			t.Errorf("a payment event under %q", a)
		}
	}
	l := newLive(t)
	ps := storagetest.Seed(t, l.db, 1)
	s, err := storagetest.Sale("c1", "01-01-20261125-0001", time.Now(), ps...)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.db.SaveSale(ctx, s); err != nil {
		t.Fatal(err)
	}
	mgr := pos.WithActor(context.Background(), "王店长")
	if _, err := l.svc.Refund(mgr, s, 0, s.Total, "顾客退货"); err != nil {
		t.Fatal(err)
	}
	rs, err := l.db.Refunds(ctx, s.ID)
	if err != nil || len(rs) != 1 || rs[0].Staff != "王店长" {
		t.Errorf("refunds %+v, %v", rs, err)
	}
	actors := map[pos.AuditKind][]string{}
	err = l.db.ScanAudit(ctx, 1, func(ev pos.AuditEvent) error {
		actors[ev.Kind] = append(actors[ev.Kind], ev.Actor)
		return nil
	})
	if err != nil || len(actors[pos.AuditRefund]) != 1 || actors[pos.AuditRefund][0] != "王店长" {
		t.Errorf("audit actors %v, %v", actors, err)
	}
}
