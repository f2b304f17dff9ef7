package pos

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"zhanggui/pos/money"
)

// Sales reports: the takings of a day or a range of days grouped five
// ways. Every grouping adds up to the same takings, refunds and net, so the
// owner can read any sheet and trust its total:
//
//   - 抹零 (rounding) counts as a discount; on category and product rows it
//     is spread over the sale's lines with money.Allocate, in proportion to
//     their amounts.
//   - A refund reduces the net of the day (and hour) it was made, not the
//     day of the sale. It is spread over the refunded sale's lines in
//     proportion to what each line was paid, so category and product rows
//     show it too; the cashier row is the sale's cashier (refunds record
//     none of their own).
//   - Training sales count like any other.

// ReportDim is a way of grouping a sales report.
type ReportDim string

// The groupings.
const (
	ByHour     ReportDim = "hour"     // hour of the day in the shop's zone, "00"…"23"
	ByCategory ReportDim = "category" // the category of the line, "" for none
	ByProduct  ReportDim = "product"  // the barcode (the name when a line has none)
	ByCashier  ReportDim = "cashier"  // the sale's cashier
	ByChannel  ReportDim = "channel"  // the tender kind: cash, alipay, ...
)

// ReportDims lists the groupings in the order screens and workbooks show them.
var ReportDims = []ReportDim{ByHour, ByCategory, ByProduct, ByCashier, ByChannel}

// SplitsDiscount reports whether d's rows split gross and discount. A
// tender pays part of a sale's total after discounts: there is no gross
// by channel, and Gross there is the takings.
func (d ReportDim) SplitsDiscount() bool { return d != ByChannel }

// ReportRow is one group of a sales report. Amounts are integer fen.
type ReportRow struct {
	Key  string // what is grouped: "09", a category, a barcode, a cashier, a TenderKind
	Name string // the product's name (ByProduct), else Key
	Unit string // the product's unit (ByProduct)
	// Count is what was counted: sales (hour, cashier, the total), sale
	// lines (category, product) or tenders (channel).
	Count       int
	Qty         Qty       // ByProduct only: units of different products do not add up
	Gross       money.Fen // at the list price, before discounts
	Discount    money.Fen // discounts and 抹零
	RefundCount int
	Refunds     money.Fen // done refunds made in the period
}

// Takings is what was taken: gross less discounts.
func (r ReportRow) Takings() money.Fen { return r.Gross - r.Discount }

// Net is the takings less the refunds.
func (r ReportRow) Net() money.Fen { return r.Takings() - r.Refunds }

// add adds o's figures to r (not its key, name or unit).
func (r *ReportRow) add(o ReportRow) {
	r.Count, r.Qty, r.RefundCount = r.Count+o.Count, r.Qty+o.Qty, r.RefundCount+o.RefundCount
	r.Gross, r.Discount, r.Refunds = r.Gross+o.Gross, r.Discount+o.Discount, r.Refunds+o.Refunds
}

// SalesReport is the takings of the shop-local days [From, To), grouped.
type SalesReport struct {
	From, To time.Time // shop-local midnights: the first day, and the day after the last
	Hours    []ReportRow
	// Categories, Products and Cashiers are by net, largest first.
	Categories, Products, Cashiers []ReportRow
	Channels                       []ReportRow // in the order of TenderKinds
	Total                          ReportRow   // Count is the number of sales
}

// Rows returns the rows grouped by d.
func (r *SalesReport) Rows(d ReportDim) []ReportRow {
	switch d {
	case ByHour:
		return r.Hours
	case ByCategory:
		return r.Categories
	case ByProduct:
		return r.Products
	case ByCashier:
		return r.Cashiers
	case ByChannel:
		return r.Channels
	}
	return nil
}

// LastDay is the last day the report covers.
func (r *SalesReport) LastDay() time.Time { return r.To.AddDate(0, 0, -1) }

// Sum adds up rows; Key, Name and Unit stay empty.
func Sum(rows []ReportRow) ReportRow {
	var t ReportRow
	for _, r := range rows {
		t.add(r)
	}
	return t
}

// TopN returns rows when there are at most n, else the first n-1 and one
// more row, keyed other, adding up the rest: a chart of a thousand products
// shows the best sellers and how much the others make together.
func TopN(rows []ReportRow, n int, other string) []ReportRow {
	if n < 1 || len(rows) <= n {
		return rows
	}
	rest := Sum(rows[n-1:])
	rest.Key, rest.Name, rest.Qty = other, other, 0
	return append(slices.Clip(rows[:n-1]), rest)
}

// TenderKinds lists the tender kinds in the order reports show them.
var TenderKinds = []TenderKind{TenderCash, TenderAlipay, TenderWechat, TenderUnionPay, TenderECNY,
	TenderCard, TenderStoredValue}

// ReportBuilder adds sales and refunds up into a SalesReport.
type ReportBuilder struct {
	from, to time.Time
	loc      *time.Location
	total    ReportRow
	groups   map[ReportDim]map[string]*ReportRow
}

// NewReportBuilder starts the report of the shop-local days [from, to) in loc.
func NewReportBuilder(from, to time.Time, loc *time.Location) *ReportBuilder {
	b := &ReportBuilder{from: from, to: to, loc: loc, groups: map[ReportDim]map[string]*ReportRow{}}
	for _, d := range ReportDims {
		b.groups[d] = map[string]*ReportRow{}
	}
	return b
}

// row returns the row of d keyed key, made on first use.
func (b *ReportBuilder) row(d ReportDim, key string) *ReportRow {
	r, ok := b.groups[d][key]
	if !ok {
		r = &ReportRow{Key: key, Name: key}
		b.groups[d][key] = r
	}
	return r
}

// hourKey is the shop-local hour of t, "00"…"23".
func (b *ReportBuilder) hourKey(t time.Time) string { return fmt.Sprintf("%02d", t.In(b.loc).Hour()) }

// productKey groups lines by barcode; a line without one by its name.
func productKey(l Line) string {
	if l.Barcode != "" {
		return l.Barcode
	}
	return l.Name
}

// AddSale adds a completed sale. Its lines carry their own discounts; the
// sale's 抹零 is spread over them.
func (b *ReportBuilder) AddSale(s *Sale) {
	whole := ReportRow{Count: 1, Gross: s.Subtotal, Discount: s.Discount + s.Rounding}
	b.total.add(whole)
	b.row(ByHour, b.hourKey(s.At)).add(whole)
	b.row(ByCashier, s.Cashier).add(whole)
	rounding := spread(s.Rounding, lineAmounts(s.Lines))
	for i, l := range s.Lines {
		line := ReportRow{Count: 1, Gross: l.Gross, Discount: l.Discount + rounding[i]}
		b.row(ByCategory, l.Category).add(line)
		p := b.row(ByProduct, productKey(l))
		line.Qty = l.Qty
		p.add(line)
		p.Name, p.Unit = l.Name, l.Unit // the latest sale's names win
	}
	for _, t := range s.Tenders {
		b.row(ByChannel, string(t.Kind)).add(ReportRow{Count: 1, Gross: t.Amount})
	}
}

// AddRefund adds a done refund of sale s (which may be from before the
// period): the hour is the refund's, the cashier the sale's.
func (b *ReportBuilder) AddRefund(r Refund, s *Sale) {
	whole := ReportRow{RefundCount: 1, Refunds: r.Amount}
	b.total.add(whole)
	b.row(ByHour, b.hourKey(r.At)).add(whole)
	b.row(ByCashier, s.Cashier).add(whole)
	b.row(ByChannel, string(r.Kind)).add(whole)
	amounts := lineAmounts(s.Lines)
	rounding := spread(s.Rounding, amounts)
	for i := range amounts {
		amounts[i] -= rounding[i] // what the line was paid
	}
	shares := spread(r.Amount, amounts)
	for i, l := range s.Lines {
		if shares[i] == 0 {
			continue
		}
		share := ReportRow{RefundCount: 1, Refunds: shares[i]}
		b.row(ByCategory, l.Category).add(share)
		b.row(ByProduct, productKey(l)).add(share)
	}
}

func lineAmounts(ls []Line) []money.Fen {
	out := make([]money.Fen, len(ls))
	for i, l := range ls {
		out[i] = l.Amount
	}
	return out
}

// spread allocates total over weights. When every weight is zero (lines
// given away) it goes to the first line: a refund is never lost from the
// category and product sheets.
func spread(total money.Fen, weights []money.Fen) []money.Fen {
	out := make([]money.Fen, len(weights))
	if total == 0 || len(weights) == 0 {
		return out
	}
	var sum money.Fen
	clamped := make([]money.Fen, len(weights))
	for i, w := range weights {
		clamped[i] = max(w, 0)
		sum += clamped[i]
	}
	if sum == 0 {
		out[0] = total
		return out
	}
	return money.Allocate(total, clamped)
}

// Report returns the report: hours from the first to the last with
// activity (the quiet ones between as zero rows), channels in the order of
// TenderKinds, the other groups by net, largest first.
func (b *ReportBuilder) Report() SalesReport {
	r := SalesReport{From: b.from, To: b.to, Total: b.total}
	r.Hours = b.hours()
	r.Categories = byNet(b.groups[ByCategory])
	r.Products = byNet(b.groups[ByProduct])
	r.Cashiers = byNet(b.groups[ByCashier])
	r.Channels = byTenderKind(b.groups[ByChannel])
	return r
}

func (b *ReportBuilder) hours() []ReportRow {
	var out []ReportRow
	first, last := 24, -1
	for h := range 24 {
		if _, ok := b.groups[ByHour][fmt.Sprintf("%02d", h)]; ok {
			first, last = min(first, h), h
		}
	}
	for h := first; h <= last; h++ {
		out = append(out, *b.row(ByHour, fmt.Sprintf("%02d", h)))
	}
	return out
}

// byNet sorts rows by net, largest first, then by key.
func byNet(m map[string]*ReportRow) []ReportRow {
	out := make([]ReportRow, 0, len(m))
	for _, r := range m {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b ReportRow) int {
		return cmp.Or(cmp.Compare(b.Net(), a.Net()), cmp.Compare(a.Key, b.Key))
	})
	return out
}

// byTenderKind orders channel rows as TenderKinds, unknown kinds last.
func byTenderKind(m map[string]*ReportRow) []ReportRow {
	out := make([]ReportRow, 0, len(m))
	others := map[string]*ReportRow{}
	for key, r := range m {
		others[key] = r
	}
	for _, k := range TenderKinds {
		if r, ok := m[string(k)]; ok {
			out = append(out, *r)
			delete(others, string(k))
		}
	}
	return append(out, byNet(others)...)
}
