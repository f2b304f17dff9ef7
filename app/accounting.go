package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"zhanggui/app/ui"
	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/sync/payments"
	"zhanggui/sync/settlement"
	"zhanggui/sync/settlement/reconcile"
)

// tillBillSources are the bill downloads of the till's channels: the
// built-in simulator's in a demo shop, the configured channels' otherwise.
// A channel whose client cannot download bills is left out; its bill can
// still be imported by hand. The next-morning bill jobs use the same.
func tillBillSources(pay *paymentSetup) map[settlement.Channel]reconcile.BillSource {
	clients := map[pos.Provider]payments.Provider{}
	for p := range pay.service.Providers {
		clients[p] = pay.rawClient(p) // under the link reporter, which hides DownloadBill
	}
	return billSources(clients)
}

// newAccountingDeps wires the screen to db and the bill sources.
func newAccountingDeps(db *storage.DB, sources map[settlement.Channel]reconcile.BillSource) ui.AccountingDeps {
	a := &accounting{db: db, sources: sources, now: time.Now}
	return ui.AccountingDeps{
		Reconcile:      a.reconcile,
		Stored:         a.stored,
		Resolve:        a.resolve,
		Export:         a.export,
		ImportBill:     a.importBill,
		FeeRates:       a.feeRates,
		SaveFeeRates:   db.SaveFeeRates,
		SaleByNo:       db.SaleByNo,
		PaymentHistory: db.PaymentHistory,
	}
}

// billSources are the clients that can download bills, by the channel
// whose bill each downloads (the acquirer's client serves UnionPay QR,
// e-CNY and cards alike).
func billSources(providers map[pos.Provider]payments.Provider) map[settlement.Channel]reconcile.BillSource {
	out := map[settlement.Channel]reconcile.BillSource{}
	for p, c := range providers {
		ch, ok := settlement.ChannelOf(p)
		if src, isSource := c.(reconcile.BillSource); ok && isSource {
			out[ch] = src
		}
	}
	return out
}

// accounting adapts reconcile.Service to the screen.
type accounting struct {
	db      *storage.DB
	sources map[settlement.Channel]reconcile.BillSource
	now     func() time.Time
}

// service is a Service with the fee rates saved now.
func (a *accounting) service(ctx context.Context) (*reconcile.Service, error) {
	cfg, err := reconcile.StoredConfig(ctx, a.db)
	return &reconcile.Service{DB: a.db, Sources: a.sources, Config: cfg, Now: a.now}, err
}

// reconcile fetches the bills of from … to and the day on each side, then
// reconciles each day, counting every day fetched and reconciled as a
// step of the progress.
func (a *accounting) reconcile(ctx context.Context, from, to time.Time, lang string, progress func(done, total int)) (ui.ReconResult, error) {
	svc, err := a.service(ctx)
	if err != nil {
		return ui.ReconResult{}, err
	}
	svc.Progress = progress
	days, fetches, err := svc.Range(ctx, from, to)
	if err != nil {
		return ui.ReconResult{}, err
	}
	from, to = settlement.DayOf(from), settlement.DayOf(to)
	var problems []ui.ReconProblem
	for _, f := range fetches {
		if f.Err != nil && !f.Day.Before(from) && !f.Day.After(to) { // the neighbours only help across midnight
			problems = append(problems, ui.ReconProblem{Channel: settlement.ChannelLabel(f.Channel, lang), Day: f.Day, Err: f.Err})
		}
	}
	res := a.result(days, from, to, lang)
	res.Problems = problems
	return res, nil
}

// stored reads the stored results of from … to.
func (a *accounting) stored(ctx context.Context, from, to time.Time, lang string) (ui.ReconResult, error) {
	days, err := a.storedDays(ctx, from, to)
	if err != nil {
		return ui.ReconResult{}, err
	}
	return a.result(days, settlement.DayOf(from), settlement.DayOf(to), lang), nil
}

// storedDays reads each day's stored result; days never reconciled are
// left out.
func (a *accounting) storedDays(ctx context.Context, from, to time.Time) ([]storage.ReconDay, error) {
	var out []storage.ReconDay
	for d := settlement.DayOf(from); !d.After(settlement.DayOf(to)); d = d.AddDate(0, 0, 1) {
		day, err := a.db.Reconciliation(ctx, d)
		switch {
		case errors.Is(err, storage.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			out = append(out, day)
		}
	}
	return out, nil
}

func (a *accounting) resolve(ctx context.Context, key, who, note string) (ui.ReconNote, error) {
	r, err := a.db.Resolve(ctx, key, who, note)
	return ui.ReconNote{Who: r.Who, Note: r.Note, At: r.At}, err
}

// export writes the workbook of the stored days.
func (a *accounting) export(path string, from, to time.Time, lang string) error {
	days, err := a.storedDays(context.Background(), from, to)
	if err != nil {
		return err
	}
	if len(days) == 0 {
		return pos.Errorf(pos.CodeNotFound, "app: export %s: no day of the range is reconciled", path)
	}
	return reconcile.Export(path, days, lang)
}

// importBill stores a bill file, turning the parser's problems into the
// screen's words.
func (a *accounting) importBill(ctx context.Context, channel, path string, day time.Time) ([]time.Time, error) {
	ch, err := settlement.ParseChannel(channel)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, pos.Errorf(pos.CodeInvalid, "app: import bill: %w", err)
	}
	svc, err := a.service(ctx)
	if err != nil {
		return nil, err
	}
	days, err := svc.ImportBill(ctx, ch, filepath.Base(path), data, day)
	var be *settlement.BillError
	switch {
	case errors.As(err, &be):
		fe := &ui.BillFileError{More: be.More}
		for _, l := range be.Lines {
			fe.Lines = append(fe.Lines, l.Message())
		}
		return nil, fmt.Errorf("app: import bill %s: %w", path, fe)
	case errors.Is(err, reconcile.ErrNoDay):
		return nil, fmt.Errorf("app: import bill %s: %w", path, ui.ErrBillNoDay)
	}
	return days, err
}

// feeRates returns every channel's rate, the default where none is saved.
func (a *accounting) feeRates(ctx context.Context) (map[string]int64, error) {
	cfg, err := reconcile.StoredConfig(ctx, a.db)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, ch := range settlement.Channels {
		out[string(ch)] = cfg.Rate(ch)
	}
	return out, nil
}

// result turns stored days into what the screen shows: channels summed
// over the days (those with a bill source, and any other with figures),
// every difference (open and urgent first).
func (a *accounting) result(days []storage.ReconDay, from, to time.Time, lang string) ui.ReconResult {
	r := ui.ReconResult{From: from, To: to, Days: len(days)}
	for _, ch := range settlement.Channels {
		c := channelSummary(days, ch, lang)
		if _, ok := a.sources[ch]; ok || c.HaveBill || c.Payments+c.Refunds+c.Differences > 0 || c.Expected != 0 {
			r.Channels = append(r.Channels, c)
		}
	}
	for i := range days {
		d := &days[i]
		r.CashIn, r.CashOut, r.Items = r.CashIn+d.CashIn, r.CashOut+d.CashOut, r.Items+len(d.Items)
		for j := range d.Items {
			if d.Items[j].Difference {
				r.Differences = append(r.Differences, reconItem(d.Day, &d.Items[j], lang))
			}
		}
	}
	slices.SortStableFunc(r.Differences, func(x, y ui.ReconItem) int { return rank(x) - rank(y) })
	return r
}

// rank puts open urgent differences first, then open ones, then resolved.
func rank(it ui.ReconItem) int {
	switch {
	case it.Resolution != nil:
		return 2
	case it.Urgent:
		return 0
	}
	return 1
}

// channelSummary is a channel's figures over the days, as the workbook sums them.
func channelSummary(days []storage.ReconDay, ch settlement.Channel, lang string) ui.ReconSummary {
	t := reconcile.ChannelTotals(days, ch, lang)
	return ui.ReconSummary{Channel: string(ch), Name: t.Name, HaveBill: t.HaveBill, FeeRateBP: t.FeeRateBP,
		Payments: t.Payments, Refunds: t.Refunds, Gross: t.Gross, Refunded: t.Refunded,
		Fees: t.FeesCharged - t.FeesReturned, Unsettled: t.Unsettled, Expected: t.TillExpected, Differences: t.Differences, Open: t.Open}
}

// reconItem is a stored difference with its labels in lang.
func reconItem(day time.Time, it *storage.ReconItem, lang string) ui.ReconItem {
	st, _ := settlement.ParseStatus(it.Status) // stored by reconcile: always known
	k, _ := settlement.ParseKind(it.Kind)
	x := ui.ReconItem{Day: day, Key: it.Key, Channel: settlement.ChannelLabel(settlement.Channel(it.Channel), lang),
		Kind: settlement.KindLabel(k, lang), Status: st.Label(lang), Action: st.Action(lang), Urgent: it.Urgent,
		OutTradeNo: it.OutTradeNo, OutRefundNo: it.OutRefundNo, TradeNo: it.TradeNo, SaleNo: it.SaleNo,
		OnBill: it.OnBill, InTill: it.InTill, BillAmount: it.BillAmount, TillAmount: it.TillAmount,
		BillFee: it.BillFee, ExpectedFee: it.ExpectedFee, At: it.TillAt}
	if it.OnBill {
		x.At = it.BillAt
	}
	if r := it.Resolution; r != nil {
		x.Resolution = &ui.ReconNote{Who: r.Who, Note: r.Note, At: r.At}
	}
	return x
}
