package soak_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"zhanggui/storage/storagetest"
	"zhanggui/sync/soak"
)

// The audit checks the chain: an audit event removed (as a hand edit with
// the triggers dropped would) is reported, naming the sale left without
// its event and the break.
func TestAuditCatchesChain(t *testing.T) {
	db := storagetest.NewDB(t)
	ctx := context.Background()
	ps := storagetest.Seed(t, db, 1)
	for _, id := range []string{"s1", "s2"} {
		no, err := db.NextSaleNo(ctx, storagetest.Epoch, "01", "01")
		if err != nil {
			t.Fatal(err)
		}
		s, err := storagetest.Sale(id, no, storagetest.Epoch, ps[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SaveSale(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := soak.Audit(ctx, db.Path(), nil); err != nil || len(r.Violations) != 0 || r.Chain.Events == 0 {
		t.Fatalf("a whole chain: %v\n%s", err, r)
	}
	raw, err := sql.Open("sqlite3", db.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{`DROP TRIGGER audit_events_no_delete`,
		`DELETE FROM audit_events WHERE kind = 'sale' AND subject = 's1'`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	r, err := soak.Audit(ctx, db.Path(), nil)
	if err != nil {
		t.Fatal(err)
	}
	text := r.String()
	for _, want := range []string{"audit chain broken at seq", "sale s1 has 1 rows, 0 audit events"} {
		if !strings.Contains(text, want) {
			t.Errorf("the report does not say %q:\n%s", want, text)
		}
	}
}
