package reports

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/xuri/excelize/v2"

	"zhanggui/pos/money"
)

// The reconciliation workbook: the accountant's record of a day (or a
// range of days) of provider settlements matched against the till. Sheets:
// 汇总 (per channel, totals as formulas, a chart of takings), 明细 (every
// transaction and how it matched), 差异 (the differences, what to do, and
// who resolved them), 手续费 (fees against the contracted rates) and 现金
// (the drawer by the ledger). 明细 and 差异 are streamed, so a million
// rows stay within a few hundred MB.

// Reconciliation is what the workbook shows. The caller fills it in the
// workbook's language: labels (channel, kind, status, action) arrive as
// the text to print; amounts are money.Fen.
type Reconciliation struct {
	From, To time.Time          // the first and last day covered (the same day for one)
	Channels []ReconChannel     // the providers' channels, in display order, summed over the days
	Cash     []ReconCashDay     // the drawer, one per day
	Rows     iter.Seq[ReconRow] // every transaction, in order; ranged once per sheet that lists rows
	Created  time.Time          // when the workbook was made, for its title line
}

// ReconChannel is one channel's figures.
type ReconChannel struct {
	Name         string
	HaveBill     bool  // every day's bill was in
	FeeRateBP    int64 // the contracted rate the expected fees use
	Payments     int   // payments on the bills
	Refunds      int   // refunds and reversals on the bills
	Gross        money.Fen
	Refunded     money.Fen
	FeesCharged  money.Fen // on payments
	FeesReturned money.Fen // given back on refunds, ≥ 0
	ExpectedFees money.Fen // the till's, at FeeRateBP, net of fees given back
	// Unsettled is the coupon part of the takings the provider does not pay
	// out (WeChat's merchant-funded 免充值券), net of that refunded.
	Unsettled    money.Fen
	TillExpected money.Fen // what the till expects to be settled: its takings less Unsettled and ExpectedFees
	Differences  int
	Open         int // differences without a resolution
}

// ReconCashDay is one day of the drawer. Counted is nil until shifts count
// the drawer at close (they do not exist yet): the sheet leaves it blank.
type ReconCashDay struct {
	Day     time.Time
	In, Out money.Fen // cash taken (sales) and paid out (refunds)
	Counted *money.Fen
}

// ReconRow is one transaction.
type ReconRow struct {
	Day         time.Time // the day reconciled
	Channel     string
	Kind        string
	OutTradeNo  string
	OutRefundNo string
	TradeNo     string
	SaleNo      string
	At          time.Time // at the provider when on the bill, else in the till
	OnBill      bool
	InTill      bool
	BillAmount  money.Fen // the order's (refund's) full amount
	TillAmount  money.Fen
	// BillCoupon is the part of BillAmount a coupon paid, BillUnsettled the
	// part of that the provider does not pay out: the row settles
	// BillAmount − BillUnsettled.
	BillCoupon    money.Fen
	BillUnsettled money.Fen
	BillFee       money.Fen
	ExpectedFee   money.Fen
	Status        string
	Difference    bool
	Urgent        bool
	FeeDiffers    bool   // listed on the fee sheet
	Action        string // differences: what to do
	Key           string // differences: the key to resolve it by
	ResolvedBy    string // "" while open
	ResolvedAt    time.Time
	Note          string
}

// ExportReconcileXLSX writes r as a workbook in lang ("zh" or "en").
func ExportReconcileXLSX(w io.Writer, r *Reconciliation, lang string) error {
	l, err := reconLocaleFor(lang)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close() // removes the stream writers' temporary files
	f.SetZipWriter(fastZip)
	if err := writeReconcile(f, r, l); err != nil {
		return fmt.Errorf("reports: reconciliation workbook: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("reports: reconciliation workbook: write: %w", err)
	}
	return nil
}

// ExportReconcileFile writes ExportReconcileXLSX to path, through a
// temporary file beside it and a rename: a failed export never leaves half
// a workbook where the accountant's file was.
func ExportReconcileFile(path string, r *Reconciliation, lang string) error {
	return writeFileAtomic(path, func(w io.Writer) error { return ExportReconcileXLSX(w, r, lang) })
}

// fastZip deflates at flate.BestSpeed: at the default level, compressing
// a million-row workbook took a third of the export's time, for a file
// about a fifth smaller.
func fastZip(w io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	return zw
}

// writeReconcile writes every sheet, in the order the tabs show.
func writeReconcile(f *excelize.File, r *Reconciliation, l reconLocale) error {
	st, err := newReconStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName(f.GetSheetName(0), l.sheets[0]); err != nil {
		return err
	}
	for _, name := range l.sheets[1:] {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	for _, write := range []func(*excelize.File, *Reconciliation, reconLocale, reconStyles) error{
		writeReconSummary, writeReconDetails, writeReconDiffs, writeReconFees, writeReconCash,
	} {
		if err := write(f, r, l, st); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	return nil
}

// reconStyles are the cell styles of the workbook.
type reconStyles struct{ title, header, text, yuan, yuanBold, total, when, day, rate, urgent int }

func newReconStyles(f *excelize.File) (reconStyles, error) {
	var st reconStyles
	yuan, when, day := yuanNumFmt, "yyyy-mm-dd hh:mm:ss", "yyyy-mm-dd"
	head := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}
	for _, s := range []struct {
		id    *int
		style *excelize.Style
	}{
		{&st.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}},
		{&st.header, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: head,
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&st.text, &excelize.Style{NumFmt: 49}}, // "@": order numbers stay text when edited
		{&st.yuan, &excelize.Style{CustomNumFmt: &yuan}},
		{&st.yuanBold, &excelize.Style{CustomNumFmt: &yuan, Font: &excelize.Font{Bold: true},
			Border: []excelize.Border{{Type: "top", Color: "000000", Style: 1}}}},
		{&st.total, &excelize.Style{Font: &excelize.Font{Bold: true},
			Border: []excelize.Border{{Type: "top", Color: "000000", Style: 1}}}},
		{&st.when, &excelize.Style{CustomNumFmt: &when}},
		{&st.day, &excelize.Style{CustomNumFmt: &day}},
		{&st.rate, &excelize.Style{NumFmt: 10}}, // 0.00%
		{&st.urgent, &excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}}},
	} {
		var err error
		if *s.id, err = f.NewStyle(s.style); err != nil {
			return reconStyles{}, err
		}
	}
	return st, nil
}

// reconCol is a column of a sheet: its header in both languages and width.
type reconCol struct {
	zh, en string
	width  float64
}

// reconLocale holds the words of the workbook in one language.
type reconLocale struct {
	lang                        string
	sheets                      [5]string
	title, total, cash, yes, no string
	notCounted, countedNote     string
	feeMismatches, chartTitle   string
	channelHeader               string
}

var reconLocales = map[string]reconLocale{
	"zh": {lang: "zh", sheets: [5]string{"汇总", "明细", "差异", "手续费", "现金"},
		title: "对账汇总", total: "合计", cash: "现金", yes: "是", no: "否", notCounted: "未盘点",
		countedNote:   "实点现金来自交接班盘点；收银机尚无交接班功能，此列暂时留空。",
		feeMismatches: "手续费不符的交易", chartTitle: "各渠道收款", channelHeader: "渠道"},
	"en": {lang: "en", sheets: [5]string{"Summary", "Details", "Differences", "Fees", "Cash"},
		title: "Reconciliation summary", total: "Total", cash: "Cash", yes: "yes", no: "no", notCounted: "not counted",
		countedNote:   "Counted cash comes from the count at shift close; the till has no shifts yet, so it stays empty.",
		feeMismatches: "Transactions whose fee differs", chartTitle: "Takings by channel", channelHeader: "Channel"},
}

func reconLocaleFor(lang string) (reconLocale, error) {
	l, ok := reconLocales[lang]
	if !ok {
		return reconLocale{}, fmt.Errorf("reports: language %q: %w", lang, ErrBadLanguage)
	}
	return l, nil
}

// head returns the header cells of cols in l's language.
func (l reconLocale) head(cols []reconCol, style int) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		v := c.zh
		if l.lang == "en" {
			v = c.en
		}
		out[i] = excelize.Cell{StyleID: style, Value: v}
	}
	return out
}

// period names the days covered: "2026-11-25" or "2026-11-25 – 2026-11-30".
func (r *Reconciliation) period() string {
	from, to := r.From.Format("2006-01-02"), r.To.Format("2006-01-02")
	if from == to {
		return from
	}
	return from + " – " + to
}

// cell returns a cell reference; col and row are 1-based and in range.
func cell(col, row int) string {
	ref, _ := excelize.CoordinatesToCellName(col, row) // in range: cannot fail
	return ref
}

// colLetters returns a column's letters.
func colLetters(col int) string {
	n, _ := excelize.ColumnNumberToName(col) // in range: cannot fail
	return n
}

// excelTime turns a time into the serial number a date cell holds, in the
// time's own zone (the workbook shows the providers' Beijing time).
func excelTime(t time.Time) float64 {
	// Excel's day 0 is 1899-12-30 (with the 1900 leap-year bug folded in).
	wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	const secondsPerDay = 86400
	secs := wall.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Seconds()
	if wall.Hour() == 0 && wall.Minute() == 0 && wall.Second() == 0 && wall.Nanosecond() == 0 {
		return secs / secondsPerDay // a day: a whole number, exact
	}
	// Half a millisecond more: the nearest double to 10:00:00 can lie just
	// below it, and LibreOffice, which cuts a time to the second where Excel
	// rounds, showed it as 09:59:59.
	const halfMilli = 0.0005
	return (secs + halfMilli) / secondsPerDay
}
