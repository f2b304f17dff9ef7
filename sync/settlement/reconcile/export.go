package reconcile

import (
	"time"

	"zhanggui/reports"
	"zhanggui/storage"
	"zhanggui/sync/settlement"
)

// Workbook turns stored days into what reports.ExportReconcileXLSX
// writes, in lang ("zh" or "en"): channels summed over the days, the
// drawer per day, and every item as a row with its labels, action and
// resolution. The rows are made as the workbook reads them.
func Workbook(days []storage.ReconDay, lang string) *reports.Reconciliation {
	r := &reports.Reconciliation{}
	if len(days) > 0 {
		r.From, r.To = days[0].Day, days[len(days)-1].Day
	}
	for _, ch := range settlement.Channels {
		r.Channels = append(r.Channels, ChannelTotals(days, ch, lang))
	}
	for _, d := range days {
		r.Cash = append(r.Cash, reports.ReconCashDay{Day: d.Day, In: d.CashIn, Out: d.CashOut, Counted: d.CountedCash})
	}
	r.Rows = func(yield func(reports.ReconRow) bool) {
		for i := range days {
			for j := range days[i].Items {
				if !yield(row(days[i].Day, &days[i].Items[j], lang)) {
					return
				}
			}
		}
	}
	return r
}

// ChannelTotals sums a channel over the stored days: the workbook's 汇总
// row and the accountant's screen show the same figures.
func ChannelTotals(days []storage.ReconDay, ch settlement.Channel, lang string) reports.ReconChannel {
	out := reports.ReconChannel{Name: settlement.ChannelLabel(ch, lang), HaveBill: len(days) > 0}
	for _, d := range days {
		for _, c := range d.Channels {
			if c.Channel != string(ch) {
				continue
			}
			out.HaveBill = out.HaveBill && c.HaveBill
			out.FeeRateBP = c.FeeRateBP
			out.Payments, out.Refunds = out.Payments+c.Payments, out.Refunds+c.Refunds
			out.Gross, out.Refunded = out.Gross+c.Gross, out.Refunded+c.Refunded
			out.FeesCharged, out.FeesReturned = out.FeesCharged+c.FeesCharged, out.FeesReturned+c.FeesReturned
			out.ExpectedFees += c.ExpectedFees
			out.Unsettled += c.Unsettled
			out.TillExpected += c.TillGross - c.TillRefunded - c.Unsettled - c.ExpectedFees
			out.Differences += c.Differences
		}
		for _, it := range d.Items {
			if it.Channel == string(ch) && it.Difference && it.Resolution == nil {
				out.Open++
			}
		}
	}
	return out
}

// row is a stored item as the workbook lists it, times in Beijing time.
func row(day time.Time, it *storage.ReconItem, lang string) reports.ReconRow {
	st, _ := settlement.ParseStatus(it.Status) // stored by this package: always known
	k, _ := settlement.ParseKind(it.Kind)
	at := it.TillAt
	if it.OnBill {
		at = it.BillAt
	}
	x := reports.ReconRow{Day: day, Channel: settlement.ChannelLabel(settlement.Channel(it.Channel), lang),
		Kind: settlement.KindLabel(k, lang), OutTradeNo: it.OutTradeNo, OutRefundNo: it.OutRefundNo, TradeNo: it.TradeNo,
		SaleNo: it.SaleNo, At: at.In(settlement.Beijing), OnBill: it.OnBill, InTill: it.InTill, BillAmount: it.BillAmount,
		TillAmount: it.TillAmount, BillCoupon: it.BillCoupon, BillUnsettled: it.BillUnsettled, BillFee: it.BillFee, ExpectedFee: it.ExpectedFee, Status: st.Label(lang),
		Difference: it.Difference, Urgent: it.Urgent, FeeDiffers: st == settlement.FeeMismatch}
	if it.Difference {
		x.Action, x.Key = st.Action(lang), it.Key
	}
	if res := it.Resolution; res != nil {
		x.ResolvedBy, x.ResolvedAt, x.Note = res.Who, res.At.In(settlement.Beijing), res.Note
	}
	return x
}

// Export writes the stored days' workbook to path (see Workbook).
func Export(path string, days []storage.ReconDay, lang string) error {
	return reports.ExportReconcileFile(path, Workbook(days, lang), lang)
}
