package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"zhanggui/app/ui"
	"zhanggui/pos"
	"zhanggui/reports"
	"zhanggui/storage"
)

// salesReports gives the reports screen the database's sales reports and
// the workbook export.
type salesReports struct{ db *storage.DB }

var _ ui.SalesReports = salesReports{}

func reportsDeps(db *storage.DB) ui.SalesReports { return salesReports{db: db} }

func (s salesReports) SalesReport(ctx context.Context, from, to time.Time) (pos.SalesReport, error) {
	return s.db.SalesReport(ctx, from, to)
}

func (s salesReports) ExportSalesReport(path string, r pos.SalesReport, lang string) error {
	return reports.ExportSalesFile(path, &r, lang)
}

// reportOptions are the flags of report.
type reportOptions struct{ date, to, out, lang string }

func reportFlags(o *reportOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.StringVar(&o.date, "date", "", "the first `day`, YYYY-MM-DD (the shop's time zone)")
	fs.StringVar(&o.to, "to", "", "the last `day`, YYYY-MM-DD; empty: the same day")
	fs.StringVar(&o.out, "out", "", "the `FILE.xlsx` to write")
	fs.StringVar(&o.lang, "lang", "", "zh or en; empty: the shop's language")
	return fs
}

// runReport is `zhanggui report --date YYYY-MM-DD [--to YYYY-MM-DD] --out
// FILE.xlsx [--lang zh|en]`: the sales report of a day or of the days from
// --date to --to, both included, as a workbook.
func runReport(e *env, args []string) int {
	var o reportOptions
	fs := reportFlags(&o)
	fs.SetOutput(io.Discard) // usageError says what is wrong
	if err := fs.Parse(args); err != nil {
		return e.usageError("%v", err)
	}
	if o.date == "" || o.out == "" || fs.NArg() > 0 {
		return e.usageError("--date and --out are required, and nothing else")
	}
	return withDB(e, func(ctx context.Context, db *storage.DB) error {
		st, err := db.Settings(ctx)
		if err != nil {
			return err
		}
		from, last, err := reportDays(o.date, o.to, st.Location())
		if err != nil {
			return err
		}
		r, err := db.SalesReport(ctx, from, last.AddDate(0, 0, 1))
		if err != nil {
			return err
		}
		if o.lang == "" {
			o.lang = st.Language
		}
		if err := reports.ExportSalesFile(o.out, &r, o.lang); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%d sales, takings %s, refunds %s, net %s: wrote %s\n",
			r.Total.Count, r.Total.Takings().Yuan(), r.Total.Refunds.Yuan(), r.Total.Net().Yuan(), o.out)
		return nil
	})
}

// reportDays reads the first and last day; an empty last is the first.
func reportDays(date, to string, loc *time.Location) (from, last time.Time, err error) {
	from, err = time.ParseInLocation("2006-01-02", date, loc)
	if err != nil {
		return from, last, fmt.Errorf("app: report: --date %q: %w", date, err)
	}
	last = from
	if to != "" {
		if last, err = time.ParseInLocation("2006-01-02", to, loc); err != nil {
			return from, last, fmt.Errorf("app: report: --to %q: %w", to, err)
		}
	}
	if last.Before(from) {
		return from, last, errors.New("app: report: --to is before --date")
	}
	return from, last, nil
}
