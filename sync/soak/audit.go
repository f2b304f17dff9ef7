package soak

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/storage"
	"zhanggui/sync/providersim"
)

// Report is what the audit found: the counts, and every broken rule.
type Report struct {
	Sales            int
	Tenders          map[pos.TenderKind]int
	Payments         map[pos.PaymentState]int
	ResolvedByQuery  int // an unknown outcome later answered by a query
	ResolvedByCancel int // given up on, and cancelled or reversed at the provider
	Refunds          map[pos.RefundState]int
	JobsDone         int
	Entries          int
	SimCharges       map[providersim.ChargeKind]int
	Cards            CardCounts  // audit_cards.go
	Shifts           ShiftCounts // audit_shifts.go
	Violations       []string
}

func (r *Report) fail(format string, args ...any) {
	if len(r.Violations) < 50 {
		r.Violations = append(r.Violations, fmt.Sprintf(format, args...))
	}
}

// String prints the counts and the violations.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sales %d, tenders %v\n", r.Sales, r.Tenders)
	fmt.Fprintf(&b, "payments %v; resolved by query %d, by cancel %d\n", r.Payments, r.ResolvedByQuery, r.ResolvedByCancel)
	fmt.Fprintf(&b, "refunds %v; journal entries %d; outbox jobs done %d\n", r.Refunds, r.Entries, r.JobsDone)
	fmt.Fprintf(&b, "simulator money movements %v\n", r.SimCharges)
	fmt.Fprintf(&b, "%v\n", r.Cards)
	fmt.Fprintf(&b, "%v\n", r.Shifts)
	if len(r.Violations) == 0 {
		b.WriteString("no violations")
	}
	for _, v := range r.Violations {
		fmt.Fprintf(&b, "VIOLATION: %s\n", v)
	}
	return b.String()
}

// simTrade is what the simulator's ledger says of one out_trade_no.
type simTrade struct {
	paid, reversed money.Fen
	count          int
	refunds        map[string]money.Fen // out_refund_no → amount
	refundCount    map[string]int
}

func simTrades(charges []providersim.Charge, r *Report) map[string]*simTrade {
	out := map[string]*simTrade{}
	for _, c := range charges {
		r.SimCharges[c.Kind]++
		st := out[c.OutTradeNo]
		if st == nil {
			st = &simTrade{refunds: map[string]money.Fen{}, refundCount: map[string]int{}}
			out[c.OutTradeNo] = st
		}
		switch c.Kind {
		case providersim.ChargePayment:
			st.paid += c.Amount
			st.count++
		case providersim.ChargeReversal:
			st.reversed += c.Amount
		case providersim.ChargeRefund:
			st.refunds[c.OutRefundNo] += c.Amount
			st.refundCount[c.OutRefundNo]++
		}
	}
	return out
}

func (st *simTrade) net() money.Fen {
	n := st.paid - st.reversed
	for _, f := range st.refunds {
		n -= f
	}
	return n
}

// Audit checks the till's books, in the database at path, against the
// simulator's ledger.
func Audit(ctx context.Context, path string, charges []providersim.Charge) (Report, error) {
	r := Report{Tenders: map[pos.TenderKind]int{}, Payments: map[pos.PaymentState]int{},
		Refunds: map[pos.RefundState]int{}, SimCharges: map[providersim.ChargeKind]int{}}
	db, err := storage.Open(path)
	if err != nil {
		return r, err
	}
	defer db.Close()
	ids, err := paymentIDs(ctx, path)
	if err != nil {
		return r, err
	}
	if r.Entries, err = countRows(ctx, path, "journal_entries"); err != nil {
		return r, err
	}
	sim := simTrades(charges, &r)
	tendersOf, err := auditSales(ctx, db, &r)
	if err != nil {
		return r, err
	}
	if err := auditLedger(ctx, db, &r); err != nil {
		return r, err
	}
	caps, err := cardCaptures(ctx, path)
	if err != nil {
		return r, err
	}
	known := map[string]bool{}
	for _, id := range ids {
		known[id] = true
		c, offline := caps[id]
		if err := auditPayment(ctx, db, id, sim[id], tendersOf[id], c.state == "declined", &r); err != nil {
			return r, err
		}
		if p, err := db.Payment(ctx, id); err == nil && p.Provider == pos.Card {
			countCard(ctx, db, p, c, offline, &r)
		}
	}
	if err := auditCards(ctx, db, caps, tendersOf, &r); err != nil {
		return r, err
	}
	for no, st := range sim {
		if !known[no] {
			r.fail("the simulator booked %v for %s, a payment the till never made", st.paid, no)
		}
		if st.count > 1 {
			r.fail("%s charged %d times", no, st.count)
		}
	}
	if err := auditShifts(ctx, db, &r); err != nil {
		return r, err
	}
	return r, auditRest(ctx, db, &r)
}

// paymentIDs lists every payment attempt, read straight from the file:
// storage has no use case that lists them all, and an auditor should not
// need one.
func paymentIDs(ctx context.Context, path string) (ids []string, err error) {
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_query_only=1")
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, raw.Close()) }()
	rows, err := raw.QueryContext(ctx, `SELECT id FROM payments ORDER BY created_at`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// countRows counts a table's rows, read straight from the file.
func countRows(ctx context.Context, path, table string) (n int, err error) {
	raw, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_query_only=1")
	if err != nil {
		return 0, err
	}
	defer func() { err = errors.Join(err, raw.Close()) }()
	err = raw.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n)
	return n, err
}

// auditSales checks every sale's tenders and returns, per payment, the
// tenders that name it.
func auditSales(ctx context.Context, db *storage.DB, r *Report) (map[string][]pos.Tender, error) {
	sales, err := db.SalesBetween(ctx, time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return nil, err
	}
	r.Sales = len(sales)
	byPayment := map[string][]pos.Tender{}
	for _, s := range sales {
		var paid money.Fen
		for _, t := range s.Tenders {
			paid += t.Amount
			r.Tenders[t.Kind]++
			if t.PaymentID != "" {
				byPayment[t.PaymentID] = append(byPayment[t.PaymentID], t)
			}
		}
		if paid != s.Total {
			r.fail("sale %s: tenders %v, total %v", s.No, paid, s.Total)
		}
		if err := s.Validate(); err != nil {
			r.fail("sale %s: %v", s.No, err)
		}
	}
	return byPayment, nil
}

// auditLedger checks every entry balances and the whole ledger does.
func auditLedger(ctx context.Context, db *storage.DB, r *Report) error {
	if err := db.IntegrityCheck(ctx); err != nil {
		r.fail("integrity check: %v", err)
	}
	bal, err := db.TrialBalance(ctx)
	if err != nil {
		return err
	}
	var sum money.Fen
	for _, f := range bal {
		sum += f
	}
	if sum != 0 {
		r.fail("trial balance: debits exceed credits by %v: %v", sum, bal)
	}
	return nil
}

// auditPayment checks one payment against the simulator and the sales.
// lost: an offline card payment whose capture the acquirer declined (the
// sale stands, the acquirer moved no money, the ledger wrote it off).
func auditPayment(ctx context.Context, db *storage.DB, id string, st *simTrade, tenders []pos.Tender, lost bool, r *Report) error {
	p, err := db.Payment(ctx, id)
	if err != nil {
		return err
	}
	r.Payments[p.State]++
	if st == nil {
		st = &simTrade{}
	}
	countResolution(ctx, db, p, r)
	refunded, err := auditRefunds(ctx, db, p, st, r)
	if err != nil {
		return err
	}
	if lost {
		if st.net() != 0 || p.State != pos.PaySucceeded || len(tenders) != 1 || tenders[0].Amount != p.Amount {
			r.fail("card payment %s of %v declined at upload is %s, pays %d sales; the acquirer took %v net",
				id, p.Amount, p.State, len(tenders), st.net())
		}
		return auditJob(ctx, db, id, r)
	}
	switch p.State {
	case pos.PayFailed, pos.PayReversed:
		if st.net() != 0 {
			r.fail("payment %s is %s at the till, but the customer paid %v", id, p.State, st.net())
		}
		if len(tenders) > 0 {
			r.fail("payment %s is %s but pays %d sales", id, p.State, len(tenders))
		}
	case pos.PaySucceeded, pos.PayRefunded:
		if st.paid != p.Amount || st.reversed != 0 {
			r.fail("payment %s of %v is %s at the till; the provider took %v and reversed %v", id, p.Amount, p.State, st.paid, st.reversed)
		}
		if p.State == pos.PayRefunded && len(tenders) == 0 && refunded == 0 {
			// A late success the till refunded automatically (the sale was
			// settled another way): no sale, all of it back under its LR number.
			if no := pos.LateRefundNo(id); st.refunds[no] != p.Amount || st.refundCount[no] != 1 || st.net() != 0 || p.Refunded != p.Amount {
				r.fail("payment %s: a late success refunded %v at the till; the provider refunded %v under %s in %d movements, net %v",
					id, p.Refunded, st.refunds[no], no, st.refundCount[no], st.net())
			}
			break
		}
		if len(tenders) != 1 || tenders[0].Amount != p.Amount {
			r.fail("payment %s of %v paid for %d sales %v", id, p.Amount, len(tenders), tenders)
		}
		if p.Refunded != refunded || st.net() != p.Amount-refunded {
			r.fail("payment %s: refunded %v at the till (%v by its refunds), net %v at the provider", id, p.Refunded, refunded, st.net())
		}
	default:
		r.fail("payment %s left %s", id, p.State)
	}
	return auditJob(ctx, db, id, r)
}

// countResolution counts how a payment's outcome was learnt.
func countResolution(ctx context.Context, db *storage.DB, p pos.Payment, r *Report) {
	hist, err := db.PaymentHistory(ctx, p.ID)
	if err != nil {
		r.fail("payment %s history: %v", p.ID, err)
		return
	}
	unknown := false
	for _, s := range hist {
		unknown = unknown || s == pos.PayUnknown
	}
	switch {
	case p.State == pos.PayReversed:
		r.ResolvedByCancel++
	case unknown && (p.State == pos.PaySucceeded || p.State == pos.PayRefunded || p.State == pos.PayFailed):
		r.ResolvedByQuery++
	}
}

// auditRefunds checks a payment's refunds against the simulator and
// returns the sum of those done.
func auditRefunds(ctx context.Context, db *storage.DB, p pos.Payment, st *simTrade, r *Report) (money.Fen, error) {
	rs, err := db.Refunds(ctx, p.SaleID)
	if err != nil {
		return 0, err
	}
	var done money.Fen
	mine := map[string]bool{}
	for _, rf := range rs {
		if rf.PaymentID != p.ID {
			continue
		}
		mine[rf.ID] = true
		r.Refunds[rf.State]++
		switch {
		case rf.State == pos.RefundDone && (st.refunds[rf.ID] != rf.Amount || st.refundCount[rf.ID] != 1):
			r.fail("refund %s of %v is done at the till; the provider refunded %v in %d movements", rf.ID, rf.Amount, st.refunds[rf.ID], st.refundCount[rf.ID])
		case rf.State == pos.RefundFailed && st.refunds[rf.ID] != 0:
			r.fail("refund %s failed at the till, but the provider refunded %v", rf.ID, st.refunds[rf.ID])
		case rf.State == pos.RefundPending:
			r.fail("refund %s left pending", rf.ID)
		}
		if rf.State == pos.RefundDone {
			done += rf.Amount
		}
	}
	for no := range st.refunds {
		if !mine[no] && no != pos.LateRefundNo(p.ID) { // a late success's refund is checked with its payment
			r.fail("the provider refunded %v of %s under %s, unknown to the till", st.refunds[no], p.ID, no)
		}
	}
	return done, nil
}

// auditJob checks the payment's outbox job exists and is done: no job lost.
func auditJob(ctx context.Context, db *storage.DB, id string, r *Report) error {
	jobs, err := db.JobsForKey(ctx, id)
	if err != nil {
		return err
	}
	if j, err := db.Job(ctx, "card.resolve:"+id); err == nil { // keyed by itself, not the payment
		jobs = append(jobs, j)
	}
	found := false
	for _, j := range jobs {
		found = found || j.ID == "resolve_payment:"+id || j.ID == "card.resolve:"+id
		if j.Done {
			r.JobsDone++
		} else {
			r.fail("job %s not done (parked %v, %d tries: %s)", j.ID, j.Parked, j.Tries, j.LastError)
		}
	}
	if !found {
		r.fail("payment %s has no resolve job: its job was lost", id)
	}
	return nil
}

// auditRest checks the outbox is empty and no cart was left behind.
func auditRest(ctx context.Context, db *storage.DB, r *Report) error {
	queued, _, parked, err := db.OutboxStats(ctx)
	if err != nil {
		return err
	}
	if queued != 0 || parked != 0 {
		r.fail("outbox: %d jobs queued, %d parked", queued, parked)
	}
	held, err := db.HeldCarts(ctx)
	if err != nil {
		return err
	}
	cur, err := db.CurrentCart(ctx)
	if err != nil {
		return err
	}
	if len(held) > 0 || cur != nil {
		r.fail("carts left: %d held, current %v", len(held), cur != nil)
	}
	sort.Strings(r.Violations)
	return nil
}
