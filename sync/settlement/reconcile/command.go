package reconcile

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"zhanggui/storage"
	"zhanggui/sync/settlement"
)

// Deps is what the commands need from app, which wires them.
type Deps struct {
	Open    func() (*storage.DB, error) // the till's database; the command closes it
	Sources map[settlement.Channel]BillSource
	Config  settlement.Config
	Now     func() time.Time // nil: time.Now
	// Load, when set, fills in the rest once the command's usage is
	// checked, so that bad usage opens and creates nothing.
	Load func(*Deps)
}

// load runs d.Load, if any: after the usage checks, before the work.
func (d *Deps) load() {
	if d.Load != nil {
		d.Load(d)
	}
}

// Exit statuses of RunReconcile.
const (
	ExitClean       = 0 // every difference is resolved (or there is none)
	ExitError       = 1 // bad arguments, or something failed
	ExitDifferences = 2 // differences remain: scripts can act on it
)

// RunReconcile runs `zhanggui reconcile --date YYYY-MM-DD [--to
// YYYY-MM-DD] [--out FILE.xlsx] [--lang zh|en]` (args are those after
// "reconcile"): it downloads the bills it lacks for the days (and the day
// on each side), reconciles each day from --date to --to inclusive,
// prints each day's figures and open differences, and writes the
// workbook. It returns ExitDifferences when unresolved differences
// remain or a channel with a source has no bill for a day, ExitError on a
// failure or bad arguments, ExitClean otherwise.
func RunReconcile(args []string, stdout, stderr io.Writer, d Deps) int {
	var o reconcileOptions
	fs := newReconcileFlags(&o)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return ExitError // 2 means differences: a usage error is 1 here
	}
	date, to, out, lang := &o.date, &o.to, &o.out, &o.lang
	from, until, err := dayRange(*date, *to)
	if err == nil && *lang != "zh" && *lang != "en" {
		err = fmt.Errorf("reconcile: --lang %q: want zh or en", *lang)
	}
	if err == nil && *out != "" && !strings.EqualFold(filepath.Ext(*out), ".xlsx") {
		err = fmt.Errorf("reconcile: --out %q: the workbook's name must end in .xlsx", *out)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return ExitError
	}
	d.load()
	return runReconcile(context.Background(), from, until, *out, *lang, stdout, stderr, d)
}

// reconcileOptions are the flags of reconcile.
type reconcileOptions struct{ date, to, out, lang string }

// ReconcileFlags is the flag set RunReconcile parses, for the command's
// help (app prints it); the values it sets go nowhere.
func ReconcileFlags() *flag.FlagSet { return newReconcileFlags(new(reconcileOptions)) }

func newReconcileFlags(o *reconcileOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	fs.StringVar(&o.date, "date", "", "the `day` to reconcile, YYYY-MM-DD (Beijing time, the providers' day)")
	fs.StringVar(&o.to, "to", "", "the last `day` of a range, YYYY-MM-DD (default: --date)")
	fs.StringVar(&o.out, "out", "", "write the workbook to `FILE.xlsx`")
	fs.StringVar(&o.lang, "lang", "zh", "language of the output and the workbook: zh or en")
	return fs
}

// dayRange reads --date and --to.
func dayRange(date, to string) (time.Time, time.Time, error) {
	if date == "" {
		return time.Time{}, time.Time{}, errors.New("reconcile: --date YYYY-MM-DD is required")
	}
	from, err := settlement.ParseDay(date)
	if err != nil {
		return from, from, err
	}
	until := from
	if to != "" {
		if until, err = settlement.ParseDay(to); err != nil {
			return from, until, err
		}
	}
	if until.Before(from) {
		return from, until, fmt.Errorf("reconcile: --to %s is before --date %s", to, date)
	}
	return from, until, nil
}

func runReconcile(ctx context.Context, from, to time.Time, out, lang string, stdout, stderr io.Writer, d Deps) int {
	db, err := d.Open()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return ExitError
	}
	defer db.Close() // reads and committed writes only: nothing to lose
	svc := &Service{DB: db, Sources: d.Sources, Config: d.Config, Now: d.Now}
	days, fetches, err := svc.Range(ctx, from, to)
	for _, f := range fetches {
		if f.Err != nil && !f.Day.Before(from) && !f.Day.After(to) {
			fmt.Fprintf(stderr, "%s %s: %v\n", settlement.ChannelLabel(f.Channel, lang), f.Day.Format(settlement.DayLayout), f.Err)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return ExitError
	}
	open := 0
	for i := range days {
		printDay(stdout, &days[i], lang)
		open += Open(&days[i]) + missingBills(&days[i], d.Sources)
	}
	if out != "" {
		if err := Export(out, days, lang); err != nil {
			fmt.Fprintln(stderr, err)
			return ExitError
		}
		fmt.Fprintf(stdout, pick(lang, "已导出 %s\n", "Wrote %s\n"), out)
	}
	if open > 0 {
		return ExitDifferences
	}
	return ExitClean
}

// missingBills counts the channels with a source whose bill of the day is
// not in: nothing can be said of them, so the day is not clean.
func missingBills(d *storage.ReconDay, sources map[settlement.Channel]BillSource) int {
	n := 0
	for _, c := range d.Channels {
		if _, ok := sources[settlement.Channel(c.Channel)]; ok && !c.HaveBill {
			n++
		}
	}
	return n
}

// pick returns zh or en by lang.
func pick(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

// printDay prints a day's figures per channel, the drawer, and every open
// difference with its key and what to do.
func printDay(w io.Writer, d *storage.ReconDay, lang string) {
	fmt.Fprintf(w, pick(lang, "对账 %s\n", "Reconciliation %s\n"), d.Day.Format(settlement.DayLayout))
	for _, c := range d.Channels {
		net := c.Gross - c.Refunded - c.Unsettled - (c.FeesCharged - c.FeesReturned)
		bill, coupons := "", ""
		if !c.HaveBill {
			bill = pick(lang, "（无账单）", " (no bill)")
		}
		if c.Unsettled != 0 {
			coupons = pick(lang, "  免充值券（不结算） ", "  merchant coupons (not settled) ") + c.Unsettled.Yuan()
		}
		fmt.Fprintf(w, pick(lang, "  %-14s 收款 %d 笔 %s  退款 %d 笔 %s  手续费 %s%s  预计结算 %s  差异 %d%s\n",
			"  %-14s %d payments %s  %d refunds %s  fees %s%s  settlement %s  differences %d%s\n"),
			settlement.ChannelLabel(settlement.Channel(c.Channel), lang), c.Payments, c.Gross.Yuan(), c.Refunds,
			c.Refunded.Yuan(), (c.FeesCharged - c.FeesReturned).Yuan(), coupons, net.Yuan(), c.Differences, bill)
	}
	counted := pick(lang, "未盘点", "not counted")
	if d.CountedCash != nil {
		counted = d.CountedCash.Yuan()
	}
	fmt.Fprintf(w, pick(lang, "  %-14s 收入 %s  支出 %s  应有 %s  实点 %s\n", "  %-14s in %s  out %s  expected %s  counted %s\n"),
		pick(lang, "现金", "Cash"), d.CashIn.Yuan(), d.CashOut.Yuan(), (d.CashIn - d.CashOut).Yuan(), counted)
	for _, it := range d.Items {
		if !it.Difference || it.Resolution != nil {
			continue
		}
		st, _ := settlement.ParseStatus(it.Status)
		mark := " "
		if it.Urgent {
			mark = "!"
		}
		fmt.Fprintf(w, "  %s %s  %s  %s\n", mark, it.Key, st.Label(lang), st.Action(lang))
	}
}

// RunBillsImport runs `zhanggui bills import --provider
// alipay|wechat|acquirer [--date YYYY-MM-DD] FILE` (args are those after
// "import"): it reads a bill file downloaded by hand and stores it, one
// bill per day it covers. --date names the day of a file that does not
// say (a WeChat bill without rows). A malformed file is refused whole and
// every bad line listed, in Chinese. It returns 0, 1 on any error, or 2 on
// bad usage.
func RunBillsImport(args []string, stdout, stderr io.Writer, d Deps) int {
	var provider, date string
	fs := newBillsImportFlags(&provider, &date)
	fs.SetOutput(stderr)
	file, err := parseWithArg(fs, args, "FILE")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	if provider == "" {
		fmt.Fprintln(stderr, "bills import: --provider alipay|wechat|acquirer is required")
		return exitUsage
	}
	ch, err := settlement.ParseChannel(provider)
	var day time.Time
	if err == nil && date != "" {
		day, err = settlement.ParseDay(date)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return ExitError
	}
	d.load()
	return importFile(ch, file, day, stdout, stderr, d)
}

// exitUsage is the status of bills import and resolve on bad usage.
const exitUsage = 2

// BillsImportFlags is the flag set RunBillsImport parses, for the
// command's help (app prints it); the values it sets go nowhere.
func BillsImportFlags() *flag.FlagSet { return newBillsImportFlags(new(string), new(string)) }

func newBillsImportFlags(provider, date *string) *flag.FlagSet {
	fs := flag.NewFlagSet("bills import", flag.ContinueOnError)
	fs.StringVar(provider, "provider", "", "whose bill: alipay, wechat or acquirer")
	fs.StringVar(date, "date", "", "the `day` the file is for, YYYY-MM-DD, when the file does not say")
	return fs
}

// parseWithArg parses flags before and after the one positional argument
// (named what in messages) and returns it.
func parseWithArg(fs *flag.FlagSet, args []string, what string) (string, error) {
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return "", fmt.Errorf("%s: name the %s", fs.Name(), what)
	}
	arg := rest[0]
	if err := fs.Parse(rest[1:]); err != nil {
		return "", err
	}
	if fs.NArg() > 0 {
		return "", fmt.Errorf("%s: one %s, not %q", fs.Name(), what, append([]string{arg}, fs.Args()...))
	}
	return arg, nil
}

func importFile(ch settlement.Channel, file string, day time.Time, stdout, stderr io.Writer, d Deps) int {
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "bills import: %v\n", err)
		return ExitError
	}
	db, err := d.Open()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return ExitError
	}
	defer db.Close() // the import committed or wrote nothing
	svc := &Service{DB: db, Config: d.Config, Now: d.Now}
	days, err := svc.ImportBill(context.Background(), ch, filepath.Base(file), data, day)
	var be *settlement.BillError
	switch {
	case errors.As(err, &be):
		fmt.Fprintf(stderr, "账单 %s 有 %d 处问题，未导入：\n", file, len(be.Lines)+be.More)
		for _, l := range be.Lines {
			fmt.Fprintln(stderr, "  "+l.Message())
		}
		if be.More > 0 {
			fmt.Fprintf(stderr, "  ……另有 %d 处\n", be.More)
		}
		return ExitError
	case err != nil:
		fmt.Fprintln(stderr, err)
		return ExitError
	}
	for _, dd := range days {
		fmt.Fprintf(stdout, "%s %s 账单已导入\n", settlement.ChannelLabel(ch, "zh"), dd.Format(settlement.DayLayout))
	}
	return ExitClean
}

// RunResolve runs `zhanggui resolve --who NAME --note TEXT KEY`
// (args are those after "resolve"): it notes that the difference with KEY
// (as the reconcile command and the workbook's 差异 sheet print it) was
// resolved, by whom and why. It returns 0, 1 on any error, or 2 on bad
// usage.
func RunResolve(args []string, stdout, stderr io.Writer, d Deps) int {
	var who, note string
	fs := newResolveFlags(&who, &note)
	fs.SetOutput(stderr)
	key, err := parseWithArg(fs, args, "difference KEY")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return exitUsage
	}
	d.load()
	db, err := d.Open()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return ExitError
	}
	defer db.Close() // the note committed or nothing was written
	res, err := db.Resolve(context.Background(), key, who, note)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return ExitError
	}
	fmt.Fprintf(stdout, "%s: %s %s\n", res.Key, res.Who, res.At.In(settlement.Beijing).Format("2006-01-02 15:04:05"))
	return ExitClean
}

// ResolveFlags is the flag set RunResolve parses, for the command's help
// (app prints it); the values it sets go nowhere.
func ResolveFlags() *flag.FlagSet { return newResolveFlags(new(string), new(string)) }

func newResolveFlags(who, note *string) *flag.FlagSet {
	fs := flag.NewFlagSet("resolve", flag.ContinueOnError)
	fs.StringVar(who, "who", "", "who resolved it")
	fs.StringVar(note, "note", "", "why the difference is resolved")
	return fs
}
