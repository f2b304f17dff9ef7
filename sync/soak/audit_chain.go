package soak

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"zhanggui/pos"
	"zhanggui/storage"
)

// ChainCounts is what the audit found of the till's audit chain.
type ChainCounts struct {
	Events        int64
	Signatures    int
	ClockBackward int // the wall clock moved back (the soak jumps it)
}

func (c ChainCounts) String() string {
	return fmt.Sprintf("audit chain: %d events, %d signed closures, clock moved back %d times",
		c.Events, c.Signatures, c.ClockBackward)
}

// verifyChain verifies the audit chain (hashes, gaps, closure signatures)
// and that it holds exactly one event for each sale saved, and one payment
// event for each payment state written: after every SIGKILL, the events
// committed with their rows or not at all.
func verifyChain(ctx context.Context, db *storage.DB, path string, r *Report) error {
	v, err := db.VerifyAudit(ctx, 1)
	if err != nil {
		return err
	}
	if v.Break != nil {
		r.fail("audit chain: %v", v.Break)
	}
	r.Chain.Events, r.Chain.Signatures = v.Checked, v.Signatures
	sales, states := map[string]int{}, map[string]int{}
	err = db.ScanAudit(ctx, 1, func(ev pos.AuditEvent) error {
		switch {
		case ev.Kind == pos.AuditSale:
			sales[ev.Subject]++
		case ev.Kind == pos.AuditPayment && !strings.Contains(ev.Data, `"capture"`):
			states[ev.Subject]++
		case ev.Kind == pos.AuditClockBackwards:
			r.Chain.ClockBackward++
		}
		return nil
	})
	if err != nil {
		return err
	}
	return compareChain(ctx, path, sales, states, r)
}

// compareChain compares the events counted with the rows, read straight
// from the file.
func compareChain(ctx context.Context, path string, sales, states map[string]int, r *Report) (err error) {
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_query_only=1")
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, raw.Close()) }()
	rows := map[string]string{
		"sale":    `SELECT id, 1 FROM sales`,
		"payment": `SELECT payment_id, count(*) FROM payment_events GROUP BY payment_id`,
	}
	for what, q := range rows {
		logged := map[string]map[string]int{"sale": sales, "payment": states}[what]
		if err := compareRows(ctx, raw, q, what, logged, r); err != nil {
			return err
		}
	}
	return nil
}

func compareRows(ctx context.Context, raw *sql.DB, q, what string, logged map[string]int, r *Report) error {
	rs, err := raw.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		var id string
		var n int
		if err := rs.Scan(&id, &n); err != nil {
			return err
		}
		if logged[id] != n {
			r.fail("audit chain: %s %s has %d rows, %d audit events", what, id, n, logged[id])
		}
		delete(logged, id)
	}
	for id, n := range logged {
		r.fail("audit chain: %d audit events for %s %s, which is not in the database", n, what, id)
	}
	return rs.Err()
}
