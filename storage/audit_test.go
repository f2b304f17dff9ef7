package storage_test

import (
	"context"
	"errors"
	"testing"

	"zhanggui/pos"
	"zhanggui/storage/storagetest"
)

// Appended events chain: each names the one before, and the whole log
// checks from the genesis hash to the head.
func TestAuditAppendChains(t *testing.T) {
	db := storagetest.NewDB(t)
	ctx := context.Background()
	for i, k := range []pos.AuditKind{pos.AuditLogin, pos.AuditLoginFailed, pos.AuditLock} {
		ev, err := db.AppendAudit(ctx, pos.AuditEvent{Till: "01-01", Actor: "店主", Kind: k,
			Data: pos.AuditData(map[string]any{"i": i})})
		if err != nil {
			t.Fatal(err)
		}
		if ev.Seq != int64(i+1) {
			t.Errorf("event %d got seq %d", i, ev.Seq)
		}
	}
	c := pos.NewChainChecker(0, pos.GenesisHash())
	n := 0
	err := db.ScanAudit(ctx, 1, func(ev pos.AuditEvent) error { n++; return c.Check(ev) })
	if err != nil || n != 3 {
		t.Fatalf("check: %v after %d events", err, n)
	}
	seq, head, err := db.AuditHead(ctx)
	if cs, ch := c.Head(); err != nil || seq != 3 || string(head) != string(ch) || cs != 3 {
		t.Errorf("head %d %x, checker %d %x, %v", seq, head, cs, ch, err)
	}
}

// The log refuses UPDATE and DELETE.
func TestAuditAppendOnly(t *testing.T) {
	db := storagetest.NewDB(t)
	ctx := context.Background()
	if _, err := db.AppendAudit(ctx, pos.AuditEvent{Actor: "店主", Kind: pos.AuditLogin}); err != nil {
		t.Fatal(err)
	}
	raw := rawDB(t, db.Path())
	for _, q := range []string{`UPDATE audit_events SET actor = 'x'`, `DELETE FROM audit_events`} {
		if _, err := raw.ExecContext(ctx, q); err == nil {
			t.Errorf("%s was allowed", q)
		}
	}
}

// A changed event is found at its own seq.
func TestChainCheckerFindsChange(t *testing.T) {
	prev := pos.GenesisHash()
	var evs []pos.AuditEvent
	for i := int64(1); i <= 3; i++ {
		ev := pos.AuditEvent{Seq: i, Actor: "a", Kind: pos.AuditSale, Data: "{}", Prev: prev}
		ev.Hash = pos.ChainHash(prev, ev)
		prev = ev.Hash
		evs = append(evs, ev)
	}
	evs[1].Actor = "b"
	c := pos.NewChainChecker(0, pos.GenesisHash())
	var brk *pos.AuditBreak
	for _, ev := range evs {
		if err := c.Check(ev); err != nil {
			if !errors.As(err, &brk) {
				t.Fatal(err)
			}
			break
		}
	}
	if brk == nil || brk.Seq != 2 {
		t.Fatalf("break = %v, want seq 2", brk)
	}
}

// The context's approver (pos.WithApprover) is the Approver of an event
// that names none; one that names its own keeps it.
func TestAuditApproverFromContext(t *testing.T) {
	db := storagetest.NewDB(t)
	ctx := pos.WithApprover(pos.WithActor(context.Background(), "收银员"), "店长")
	ev, err := db.AppendAudit(ctx, pos.AuditEvent{Kind: pos.AuditRefund, Subject: "sale:1"})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Actor != "收银员" || ev.Approver != "店长" {
		t.Errorf("event actor %q approver %q, want 收银员 approved by 店长", ev.Actor, ev.Approver)
	}
	ev, err = db.AppendAudit(ctx, pos.AuditEvent{Kind: pos.AuditRefund, Approver: "店主"})
	if err != nil || ev.Approver != "店主" {
		t.Errorf("own approver: %q, %v; want 店主", ev.Approver, err)
	}
	ev, err = db.AppendAudit(context.Background(), pos.AuditEvent{Kind: pos.AuditLogin})
	if err != nil || ev.Approver != "" {
		t.Errorf("no approver in the context: %q, %v", ev.Approver, err)
	}
}
