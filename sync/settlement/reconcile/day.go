package reconcile

import (
	"context"
	"fmt"
	"time"

	"zhanggui/pos/ledger"
	"zhanggui/storage"
	"zhanggui/sync/settlement"
)

// ReconcileDay reconciles every channel of the Beijing day that day falls
// on with the bills stored (fetch or import them first), stores the
// result in place of any earlier one, and returns it as stored, each
// difference with its latest resolution.
//
// The drawer's expected cash is the ledger's: the cash account's debits
// and credits of the day. Counted cash needs shifts, which do not exist
// yet, so CountedCash stays nil.
func (s *Service) ReconcileDay(ctx context.Context, day time.Time) (storage.ReconDay, error) {
	day = settlement.DayOf(day)
	d, err := s.reconcile(ctx, day)
	if err != nil {
		return storage.ReconDay{}, fmt.Errorf("reconcile: %s: %w", day.Format(settlement.DayLayout), err)
	}
	if err := s.DB.SaveReconciliation(ctx, d); err != nil {
		return storage.ReconDay{}, fmt.Errorf("reconcile: %s: %w", day.Format(settlement.DayLayout), err)
	}
	return s.DB.Reconciliation(ctx, day)
}

func (s *Service) reconcile(ctx context.Context, day time.Time) (storage.ReconDay, error) {
	bills, err := s.loadBills(ctx, day)
	if err != nil {
		return storage.ReconDay{}, err
	}
	var all []settlement.Row
	rows := map[settlement.Channel][]settlement.Row{}
	have := map[settlement.Channel][3]bool{}
	for ch, bs := range bills {
		r, h, err := bs.rows()
		if err != nil {
			return storage.ReconDay{}, err
		}
		rows[ch], have[ch], all = r, h, append(all, r...)
	}
	t, err := s.loadTill(ctx, day, all)
	if err != nil {
		return storage.ReconDay{}, err
	}
	d := storage.ReconDay{Day: day}
	for _, ch := range settlement.Channels {
		res := settlement.Reconcile(t.input(ch, day, rows[ch], have[ch]), s.Config)
		d.Channels = append(d.Channels, storedChannel(res.Summary, bills[ch][1]))
		for i := range res.Items {
			d.Items = append(d.Items, storedItem(ch, &res.Items[i]))
		}
	}
	d.CashIn, d.CashOut, err = s.DB.AccountTotals(ctx, ledger.Cash, day, day.AddDate(0, 0, 1))
	return d, err
}

// storedChannel is a channel's summary as storage keeps it.
func storedChannel(s settlement.Summary, bill *storage.Bill) storage.ReconChannel {
	c := storage.ReconChannel{Channel: string(s.Channel), HaveBill: s.HaveBill, FeeRateBP: s.FeeRateBP,
		Payments: s.Payments, Refunds: s.Refunds, Gross: s.Gross, Refunded: s.Refunded, FeesCharged: s.FeesCharged,
		FeesReturned: s.FeesReturned, TillPayments: s.TillPayments, TillRefunds: s.TillRefunds, TillGross: s.TillGross,
		TillRefunded: s.TillRefunded, ExpectedFees: s.ExpectedFees, Differences: s.Differences, Urgent: s.Urgent,
		Unsettled: s.Unsettled}
	if bill != nil {
		c.BillID = bill.ID
	}
	return c
}

// storedItem is an item as storage keeps it.
func storedItem(ch settlement.Channel, it *settlement.Item) storage.ReconItem {
	return storage.ReconItem{Channel: string(ch), Key: it.Key(ch), Status: it.Status.String(), Kind: it.Kind.String(),
		Difference: it.Status.Difference(), Urgent: it.Status.Urgent(), Provider: string(it.Provider),
		OutTradeNo: it.OutTradeNo, OutRefundNo: it.OutRefundNo, TradeNo: it.TradeNo, SaleNo: it.SaleNo,
		OnBill: it.OnBill, InTill: it.InTill, BillAmount: it.BillAmount, TillAmount: it.TillAmount, BillFee: it.BillFee,
		ExpectedFee: it.ExpectedFee, BillAt: it.BillAt, TillAt: it.TillAt, Line: it.Line, BillCoupon: it.BillCoupon,
		BillUnsettled: it.BillUnsettled}
}

// Open counts a stored day's differences that have no resolution.
func Open(d *storage.ReconDay) int {
	n := 0
	for i := range d.Items {
		if d.Items[i].Difference && d.Items[i].Resolution == nil {
			n++
		}
	}
	return n
}

// Range fetches the bills of from … to (and of the day on each side, for
// what crosses midnight) and reconciles each day, reporting progress. A
// bill that cannot be had is in the returned fetches; its days then show
// NoBill differences.
func (s *Service) Range(ctx context.Context, from, to time.Time) ([]storage.ReconDay, []Fetch, error) {
	from, to = settlement.DayOf(from), settlement.DayOf(to)
	if to.Before(from) {
		return nil, nil, fmt.Errorf("reconcile: %s is before %s", to.Format(settlement.DayLayout), from.Format(settlement.DayLayout))
	}
	n := int(to.Sub(from).Hours()/24) + 1
	var fetchDays []time.Time
	for d := from.AddDate(0, 0, -1); !d.After(to.AddDate(0, 0, 1)); d = d.AddDate(0, 0, 1) {
		if d.Before(s.now()) { // a day that has not begun has no bill to ask for
			fetchDays = append(fetchDays, d)
		}
	}
	step, total := 0, len(fetchDays)+n
	tick := func() {
		if step++; s.Progress != nil {
			s.Progress(step, total)
		}
	}
	var fetches []Fetch
	for _, d := range fetchDays {
		fetches = append(fetches, s.FetchBills(ctx, d)...)
		tick()
	}
	var days []storage.ReconDay
	for i := 0; i < n; i++ {
		d, err := s.ReconcileDay(ctx, from.AddDate(0, 0, i))
		if err != nil {
			return days, fetches, err
		}
		days = append(days, d)
		tick()
	}
	return days, fetches, nil
}
