package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
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

// runReport is `zhanggui report --date YYYY-MM-DD [--to YYYY-MM-DD] --out
// FILE.xlsx [--lang zh|en]`: the sales report of a day or of the days from
// --date to --to, both included, as a workbook.
func runReport(e *env, args []string) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	date := fs.String("date", "", "the first day, YYYY-MM-DD (the shop's time zone)")
	to := fs.String("to", "", "the last day, YYYY-MM-DD; empty: the same day")
	out := fs.String("out", "", "the .xlsx file to write")
	lang := fs.String("lang", "", "zh or en; empty: the shop's language")
	if err := fs.Parse(args); err != nil || *date == "" || *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "usage: zhanggui report --date YYYY-MM-DD [--to YYYY-MM-DD] --out FILE.xlsx [--lang zh|en]")
		return 2
	}
	return withDB(e, func(ctx context.Context, db *storage.DB) error {
		st, err := db.Settings(ctx)
		if err != nil {
			return err
		}
		from, last, err := reportDays(*date, *to, st.Location())
		if err != nil {
			return err
		}
		r, err := db.SalesReport(ctx, from, last.AddDate(0, 0, 1))
		if err != nil {
			return err
		}
		if *lang == "" {
			*lang = st.Language
		}
		if err := reports.ExportSalesFile(*out, &r, *lang); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%d sales, takings %s, refunds %s, net %s: wrote %s\n",
			r.Total.Count, r.Total.Takings().Yuan(), r.Total.Refunds.Yuan(), r.Total.Net().Yuan(), *out)
		return auditExport(ctx, db, "sales_report", *out, r.Total.Count)
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
