package storage_test

import (
	"fmt"
	"strings"
	"testing"

	"zhanggui/pos"
	"zhanggui/storage/storagetest"
)

// A line sold at a price set by hand keeps its catalogue price in the
// store, and the sale's audit event names it, in the sale's transaction.
func TestSaleKeepsOverriddenPrice(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 2)
	c := pos.Cart{ID: "s1"}
	must(t, c.Add(ps[0], 2*pos.OnePiece))
	must(t, c.Add(ps[1], pos.OnePiece))
	old := ps[0].Price
	if _, err := c.OverridePrice(0, old/2); err != nil {
		t.Fatal(err)
	}
	no, err := db.NextSaleNo(ctx, pos.BusinessDay(at, shanghai), "01", "01")
	must(t, err)
	due := c.Totals().Total
	td, err := pos.CashTender(due, due)
	must(t, err)
	s, err := c.Checkout(pos.Checkout{ID: "s1", No: no, EntryID: "e-s1", At: at, Cashier: "收银员", Tenders: []pos.Tender{td}})
	must(t, err)
	must(t, db.SaveSale(ctx, s))

	got, err := db.Sale(ctx, "s1")
	must(t, err)
	if l := got.Lines[0]; l.OldPrice != old || l.UnitPrice != old/2 || got.Lines[1].OldPrice != 0 {
		t.Fatalf("lines read back %+v", got.Lines)
	}
	var ev pos.AuditEvent
	must(t, db.ScanAudit(ctx, 0, func(e pos.AuditEvent) error {
		if e.Kind == pos.AuditSale && e.Subject == "s1" {
			ev = e
		}
		return nil
	}))
	want := `"price_overrides":[{"line":0,"name":"` + ps[0].Name + `","new_fen":` + fmt.Sprint(int64(old/2)) + `,"old_fen":` + fmt.Sprint(int64(old)) + `}]`
	if !strings.Contains(ev.Data, want) {
		t.Errorf("sale event %s, want it to hold %s", ev.Data, want)
	}
}
