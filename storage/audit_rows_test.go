package storage_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

// kinds lists the log's events from seq from on as "kind subject actor".
func kinds(t *testing.T, db *storage.DB, from int64) []string {
	t.Helper()
	var out []string
	must(t, db.ScanAudit(ctx, from, func(ev pos.AuditEvent) error {
		out = append(out, string(ev.Kind)+" "+ev.Subject+" "+ev.Actor+" "+ev.Till)
		return nil
	}))
	return out
}

func headSeq(t *testing.T, db *storage.DB) int64 {
	t.Helper()
	seq, _, err := db.AuditHead(ctx)
	must(t, err)
	return seq
}

// Each business write records its event, naming the staff member: the
// screen's context, else the system (a sale keeps its cashier).
func TestBusinessWritesAudited(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 3)
	asMgr := pos.WithActor(ctx, "王店长")
	steps := []struct {
		do   func()
		want string
	}{
		{func() { must(t, db.SaveSale(asMgr, newSale(t, db, "s1", at, ps[0]))) }, "sale s1 收银员"},
		{func() { payment(t, db, ctx, "pay1", "李收银") }, "payment pay1 system"}, // the sweeper
		{func() { payment(t, db, asMgr, "pay2", "李收银") }, "payment pay2 王店长"},
		{func() { payment(t, db, ctx, "pay3", "") }, "payment pay3 system"},
		{func() { cashRefund(t, db, asMgr, "s1") }, "refund r1 王店长"},
		{func() { saveSettings(t, db, asMgr) }, "settings.changed setting:shop_name 王店长"},
		{func() { editPrice(t, db, asMgr, ps[1]) }, "catalogue.changed product:2 王店长"},
		{func() { must(t, db.AddCategory(asMgr, "文具")) }, "catalogue.changed category:文具 王店长"},
		{func() { saveChannel(t, db, asMgr) }, "channel.keys_changed channel:alipay 王店长"},
		{func() { must(t, db.Backup(ctx, filepath.Join(t.TempDir(), "b.db"))) }, "backup backup:b.db system"},
	}
	for _, s := range steps {
		from := headSeq(t, db) + 1
		s.do()
		got := kinds(t, db, from)
		if len(got) == 0 || got[0] != s.want+" 01-01" {
			t.Errorf("want %q, logged %q", s.want+" 01-01", got)
		}
	}
	if v := verify(t, db, 0); !v.OK() {
		t.Error(v.Break)
	}
}

func payment(t *testing.T, db *storage.DB, c context.Context, id, staff string) {
	t.Helper()
	p, err := pos.NewPayment(id, "cart-"+id, pos.Alipay, pos.ModeCode, 500, at)
	must(t, err)
	p.Staff = staff
	must(t, db.SavePayment(c, p))
	got, err := db.Payment(ctx, id)
	must(t, err)
	if got.Staff != staff {
		t.Errorf("payment %s staff %q, saved %q", id, got.Staff, staff)
	}
}

func cashRefund(t *testing.T, db *storage.DB, c context.Context, saleID string) {
	t.Helper()
	s, err := db.Sale(ctx, saleID)
	must(t, err)
	r, err := pos.NewRefund(s, 0, 50, nil, "r1", "customer returned it", at)
	must(t, err)
	r.Staff = pos.ActorOf(c)
	r, err = r.Done("e-r1", at)
	must(t, err)
	must(t, db.SaveRefund(c, r, nil))
	rs, err := db.Refunds(ctx, saleID)
	must(t, err)
	if len(rs) != 1 || rs[0].Staff != "王店长" {
		t.Errorf("refunds %+v: the staff member is not kept", rs)
	}
}

func saveSettings(t *testing.T, db *storage.DB, c context.Context) {
	t.Helper()
	st, err := db.Settings(ctx)
	must(t, err)
	st.ShopName = "新店名"
	must(t, db.SaveSettings(c, st))
	from := headSeq(t, db) + 1
	must(t, db.SaveSettings(c, st))
	if got := kinds(t, db, from); len(got) != 0 {
		t.Errorf("saving unchanged settings logged %q", got)
	}
}

func editPrice(t *testing.T, db *storage.DB, c context.Context, p pos.Product) {
	t.Helper()
	p.Price += 100
	_, err := db.SaveProduct(c, p)
	must(t, err)
	var data string
	must(t, db.ScanAudit(ctx, headSeq(t, db), func(ev pos.AuditEvent) error { data = ev.Data; return nil }))
	if !strings.Contains(data, `"old_price_fen"`) {
		t.Errorf("a price edit logged %s, without the old price", data)
	}
}

func saveChannel(t *testing.T, db *storage.DB, c context.Context) {
	t.Helper()
	v, _ := newVault(t, db)
	must(t, v.SaveChannel(c, testChannels(t)[0]))
	var data string
	must(t, db.ScanAudit(ctx, headSeq(t, db), func(ev pos.AuditEvent) error { data = ev.Data; return nil }))
	for _, ch := range testChannels(t)[0].Secrets {
		if ch != "" && strings.Contains(data, ch) {
			t.Errorf("the audit event holds a channel key: %s", data)
		}
	}
}

// A write that fails writes no event: the events commit with their rows
// or not at all.
func TestFailedWriteLogsNothing(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 2)
	s := newSale(t, db, "s1", at, ps[0])
	must(t, db.SaveSale(ctx, s))
	head := headSeq(t, db)
	if err := db.SaveSale(ctx, s); err == nil {
		t.Fatal("the same sale saved twice")
	}
	st, err := db.Settings(ctx)
	must(t, err)
	st.StoreCode = "x"
	if err := db.SaveSettings(ctx, st); err == nil {
		t.Fatal("a bad store code saved")
	}
	if got := headSeq(t, db); got != head {
		t.Errorf("failed writes moved the audit head from %d to %d: %q", head, got, kinds(t, db, head+1))
	}
}
