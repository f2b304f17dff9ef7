package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// AccountingDeps is what the accountant's screen (对账) needs, wired by
// app over sync/settlement/reconcile. Labels (channel, status, action)
// come in the language asked ("zh" or "en"). A nil Reconcile hides the
// screen.
type AccountingDeps struct {
	// Reconcile downloads the bills it lacks of from … to (and of the day
	// on each side, for what crosses midnight), reconciles each day and
	// stores the results. progress hears the steps done of all; it is
	// called from the goroutine running Reconcile. A bill that could not
	// be had is a Problem of the result, not an error.
	Reconcile func(ctx context.Context, from, to time.Time, lang string, progress func(done, total int)) (ReconResult, error)
	// Stored returns the stored results of from … to without fetching or
	// reconciling; days never reconciled are left out (Days == 0: none).
	Stored func(ctx context.Context, from, to time.Time, lang string) (ReconResult, error)
	// Resolve notes that the difference with key is resolved: who, why.
	Resolve func(ctx context.Context, key, who, note string) (ReconNote, error)
	// Export writes the workbook of the stored days from … to to path.
	Export func(path string, from, to time.Time, lang string) error
	// ImportBill reads a bill file of channel ("alipay", "wechat",
	// "acquirer") by hand and stores it; day names the day of a file that
	// does not say. It returns the days stored. A malformed file is a
	// *BillFileError; a file naming no day, ErrBillNoDay.
	ImportBill func(ctx context.Context, channel, path string, day time.Time) ([]time.Time, error)
	// FeeRates returns every channel's fee rate in basis points, the
	// defaults included; SaveFeeRates sets those given.
	FeeRates     func(ctx context.Context) (map[string]int64, error)
	SaveFeeRates func(ctx context.Context, bp map[string]int64) error
	// SaleByNo finds a completed sale by its order number;
	// PaymentHistory lists a payment attempt's states as written.
	SaleByNo       func(ctx context.Context, no string) (*pos.Sale, error)
	PaymentHistory func(ctx context.Context, id string) ([]pos.PaymentState, error)
}

// ReconResult is a reconciled range as the screen shows it.
type ReconResult struct {
	From, To    time.Time
	Days        int            // days with a stored result
	Channels    []ReconSummary // each channel summed over the days
	Differences []ReconItem    // every difference of the days, in time order
	Items       int            // transactions looked at, differences or not
	CashIn      money.Fen      // the drawer account's debits over the days
	CashOut     money.Fen      // and its credits
	Problems    []ReconProblem // bills that could not be had
}

// ReconSummary is one channel's figures over the days.
type ReconSummary struct {
	Channel     string // "alipay", "wechat", "acquirer"
	Name        string // its label
	HaveBill    bool   // every day's bill was in
	FeeRateBP   int64
	Payments    int
	Refunds     int       // refund and reversal rows
	Gross       money.Fen // Σ payments on the bills
	Refunded    money.Fen // Σ refunds and reversals
	Fees        money.Fen // fees taken, net of those given back
	Unsettled   money.Fen // merchant-funded coupons (免充值券): part of Net the provider does not pay out
	Expected    money.Fen // what the till expects to be paid out: its takings − refunds − fees at the rate
	Differences int
	Open        int // differences not resolved
}

// Net returns the bills' takings: Gross − Refunded.
func (c *ReconSummary) Net() money.Fen { return c.Gross - c.Refunded }

// Settlement returns what the bills say will be paid out: Net − the
// merchant's coupons − Fees.
func (c *ReconSummary) Settlement() money.Fen { return c.Net() - c.Unsettled - c.Fees }

// ReconItem is one difference.
type ReconItem struct {
	Day         time.Time
	Key         string // stable across re-runs: resolutions attach to it
	Channel     string // label
	Kind        string // label: payment, refund, reversal
	Status      string // label
	Action      string // what to do
	Urgent      bool
	OutTradeNo  string
	OutRefundNo string
	TradeNo     string
	SaleNo      string // "" when the till has no completed sale
	OnBill      bool
	InTill      bool
	BillAmount  money.Fen
	TillAmount  money.Fen
	BillFee     money.Fen
	ExpectedFee money.Fen
	At          time.Time
	Resolution  *ReconNote
}

// ReconNote is a resolution: who explained a difference, when and why.
type ReconNote struct {
	Who, Note string
	At        time.Time
}

// ReconProblem is a bill that could not be had.
type ReconProblem struct {
	Channel string // label
	Day     time.Time
	Err     error
}

// BillFileError is a bill file refused whole: every bad line, in words
// for the accountant.
type BillFileError struct {
	Lines []string
	More  int // bad lines not listed
}

func (e *BillFileError) Error() string {
	return fmt.Sprintf("ui: bill file has %d problems", len(e.Lines)+e.More)
}

// ErrBillNoDay means an imported bill does not say which day it is for.
var ErrBillNoDay = pos.Errorf(pos.CodeInvalid, "ui: the bill names no day")

// reconChannels are the channels bills come from, in screen order.
var reconChannels = []struct{ id, label string }{
	{"alipay", "Alipay"}, {"wechat", "WeChat Pay"}, {"acquirer", "UnionPay, e-CNY, cards"},
}

// maxReconDays bounds a range: a month at a time keeps a run short.
const maxReconDays = 31

// accountingScreen is the accountant's morning job: pick the days, fetch
// the bills and reconcile, read the summary and the differences, open an
// order, note a resolution, export the workbook.
type accountingScreen struct {
	app    *App
	deps   AccountingDeps
	result ReconResult
	picked int // index in result.Differences; -1: none

	from, to *widget.Entry
	run      *widget.Button
	bar      *widget.ProgressBar
	status   *widget.Label
	summary  *fyne.Container
	cash     *widget.Label
	count    *widget.Label
	list     *widget.List
	detail   *widget.Label
	note     *widget.Entry
	resolve  *widget.Button
	msg      *widget.Label
	content  fyne.CanvasObject

	running bool
	done    chan struct{} // closed when the latest run has been shown (tests wait on it)
}

// newAccountingScreen returns nil while reconciliation is not set up.
func newAccountingScreen(a *App) *accountingScreen {
	d := a.deps.Accounting
	if d.Reconcile == nil || d.Stored == nil {
		return nil
	}
	s := &accountingScreen{app: a, deps: d, picked: -1}
	s.build()
	s.setDays(s.yesterday(), s.yesterday())
	s.load()
	return s
}

// yesterday is the day before the business day now, shop time.
func (s *accountingScreen) yesterday() time.Time {
	return pos.BusinessDay(s.app.deps.Now(), s.app.settings.Location()).AddDate(0, 0, -1)
}

func (s *accountingScreen) build() {
	s.from, s.to = widget.NewEntry(), widget.NewEntry()
	s.from.OnSubmitted = func(string) { s.load() }
	s.to.OnSubmitted = func(string) { s.load() }
	s.run = widget.NewButton(T("Download bills and reconcile"), s.onRun)
	s.run.Importance = widget.HighImportance
	s.bar = widget.NewProgressBar()
	s.bar.Hide()
	s.status, s.cash, s.count, s.msg = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.msg.Importance = widget.DangerImportance
	s.msg.Wrapping = fyne.TextWrapWord
	s.summary = container.NewVBox()
	s.list = widget.NewList(func() int { return len(s.result.Differences) },
		func() fyne.CanvasObject {
			r, _ := row(diffColumns, []fyne.TextAlign{fyne.TextAlignCenter, fyne.TextAlignLeading, fyne.TextAlignLeading,
				fyne.TextAlignLeading, fyne.TextAlignTrailing, fyne.TextAlignLeading})
			return r
		}, s.updateRow)
	s.list.OnSelected = func(i widget.ListItemID) { s.open(i) }
	s.detail = widget.NewLabel(T("Select a difference to see the order."))
	s.detail.Wrapping = fyne.TextWrapWord
	s.note = widget.NewEntry()
	s.note.SetPlaceHolder(T("Why it is resolved (e.g. refunded to the customer)"))
	s.resolve = widget.NewButton(T("Mark resolved"), s.onResolve)
	s.resolve.Disable()
	s.content = s.layout()
}

var diffColumns = columns{0.03, 0.3, 0.16, 0.23, 0.12, 0.16}

func (s *accountingScreen) layout() fyne.CanvasObject {
	dates := container.NewHBox(widget.NewLabel(T("From")), container.NewGridWrap(fyne.NewSize(130, 36), s.from),
		widget.NewLabel(T("to")), container.NewGridWrap(fyne.NewSize(130, 36), s.to),
		widget.NewButton("◀", func() { s.shift(-1) }), widget.NewButton("▶", func() { s.shift(1) }),
		widget.NewButton(T("Yesterday"), func() { s.setDays(s.yesterday(), s.yesterday()); s.load() }))
	tools := container.NewHBox(s.run, widget.NewButton(T("Import bill…"), s.onImport),
		widget.NewButton(T("Export Excel…"), s.onExport), widget.NewButton(T("Fee rates…"), s.onFeeRates))
	top := container.NewVBox(container.NewBorder(nil, nil, dates, tools),
		container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(320, 36), s.bar), s.status),
		s.summary, s.cash, widget.NewSeparator())
	head, labels := row(diffColumns, []fyne.TextAlign{fyne.TextAlignCenter, fyne.TextAlignLeading,
		fyne.TextAlignLeading, fyne.TextAlignLeading, fyne.TextAlignTrailing, fyne.TextAlignLeading})
	for i, h := range []string{"", "Difference", "Channel", "Order", "Amount", "Resolved"} {
		labels[i].SetText(T(h))
		labels[i].TextStyle.Bold = true
	}
	left := container.NewBorder(container.NewVBox(s.count, head), nil, nil, nil, s.list)
	act := container.NewVBox(s.msg, container.NewBorder(nil, nil, nil, s.resolve, s.note))
	right := container.NewBorder(nil, act, nil, nil, container.NewVScroll(s.detail))
	split := container.NewHSplit(left, right)
	split.Offset = 0.55
	return container.NewBorder(top, nil, nil, nil, split)
}

// days reads the range typed; the end defaults to the start.
func (s *accountingScreen) days() (time.Time, time.Time, error) {
	loc := s.app.settings.Location()
	from, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s.from.Text), loc)
	if err != nil {
		return from, from, errBadDay
	}
	to := from
	if t := strings.TrimSpace(s.to.Text); t != "" {
		if to, err = time.ParseInLocation("2006-01-02", t, loc); err != nil {
			return from, to, errBadDay
		}
	}
	switch {
	case to.Before(from):
		return from, to, errDayOrder
	case to.Sub(from) >= maxReconDays*24*time.Hour:
		return from, to, errTooManyDays
	case !from.Before(pos.BusinessDay(s.app.deps.Now(), loc).AddDate(0, 0, 1)):
		return from, to, errFutureDay
	}
	return from, to, nil
}

// The date problems, each with its words in accountingMessage.
var (
	errBadDay      = pos.Errorf(pos.CodeInvalid, "ui: a day is not YYYY-MM-DD")
	errDayOrder    = pos.Errorf(pos.CodeInvalid, "ui: the range ends before it starts")
	errTooManyDays = pos.Errorf(pos.CodeInvalid, "ui: more than %d days", maxReconDays)
	errFutureDay   = pos.Errorf(pos.CodeInvalid, "ui: the day has not come yet")
)

func (s *accountingScreen) setDays(from, to time.Time) {
	s.from.SetText(from.Format("2006-01-02"))
	s.to.SetText(to.Format("2006-01-02"))
}

// shift moves the range by n of its own lengths.
func (s *accountingScreen) shift(n int) {
	from, to, err := s.days()
	if err != nil && !errors.Is(err, errFutureDay) {
		s.showError(err)
		return
	}
	span := int(to.Sub(from).Hours()/24+0.5) + 1
	s.setDays(from.AddDate(0, 0, n*span), to.AddDate(0, 0, n*span))
	s.load()
}

// load shows the stored results of the range, without fetching.
func (s *accountingScreen) load() {
	from, to, err := s.days()
	if err != nil {
		s.showError(err)
		return
	}
	res, err := s.deps.Stored(context.Background(), from, to, Language())
	if err != nil {
		s.showError(err)
		return
	}
	s.show(res)
	if res.Days == 0 {
		s.status.SetText(T("Not reconciled yet. Press “Download bills and reconcile”."))
	}
}

// onRun fetches the bills and reconciles the range on a goroutine: the
// downloads can take a while and the window must stay responsive.
func (s *accountingScreen) onRun() {
	from, to, err := s.days()
	if err != nil || s.running {
		s.showError(err)
		return
	}
	s.running = true
	s.run.Disable()
	s.bar.SetValue(0)
	s.bar.Show()
	s.relayout()
	s.msg.SetText("")
	s.status.SetText(T("Downloading the bills and reconciling…"))
	done := make(chan struct{})
	s.done = done
	lang := Language()
	go func() {
		defer close(done)
		res, err := s.deps.Reconcile(context.Background(), from, to, lang, func(n, total int) {
			fyne.Do(func() { s.bar.SetValue(float64(n) / float64(max(total, 1))) })
		})
		fyne.Do(func() { s.finish(res, err) })
	}()
}

// finish shows a run's outcome; it runs on the Fyne goroutine.
func (s *accountingScreen) finish(res ReconResult, err error) {
	s.running = false
	s.run.Enable()
	s.bar.Hide()
	s.relayout()
	if err != nil {
		s.showError(err)
		s.status.SetText(T("Reconciliation did not finish."))
		return
	}
	s.show(res)
	s.showProblems(res.Problems)
}

// show puts a result on the screen.
func (s *accountingScreen) show(res ReconResult) {
	s.result, s.picked = res, -1
	s.fillSummary()
	s.list.UnselectAll()
	s.list.Refresh()
	s.detail.SetText(T("Select a difference to see the order."))
	s.note.SetText("")
	s.resolve.Disable()
	s.status.SetText(s.statusText())
}

// statusText sums up the result in a sentence.
func (s *accountingScreen) statusText() string {
	text := Tf("%d transactions checked: %d differences, %d not resolved.", s.result.Items,
		len(s.result.Differences), s.openCount())
	if len(s.result.Differences) == 0 {
		text = Tf("%d transactions checked: everything matches.", s.result.Items)
	}
	for _, c := range s.result.Channels {
		if !c.HaveBill {
			return text + " " + T("Some bills are not in yet: reconcile again once they are.")
		}
	}
	return text
}

// openCount counts the differences not resolved.
func (s *accountingScreen) openCount() int {
	n := 0
	for _, d := range s.result.Differences {
		if d.Resolution == nil {
			n++
		}
	}
	return n
}

func (s *accountingScreen) showError(err error) {
	if err != nil {
		s.app.deps.Log.Warn("reconciliation", "err", err)
	}
	s.msg.SetText(accountingMessage(err))
}

// showProblems names each bill that could not be had.
func (s *accountingScreen) showProblems(ps []ReconProblem) {
	var lines []string
	for _, p := range ps {
		s.app.deps.Log.Warn("bill download", "channel", p.Channel, "day", p.Day.Format("2006-01-02"), "err", p.Err)
		lines = append(lines, Tf("%s %s: %s", p.Channel, p.Day.Format("2006-01-02"), accountingMessage(p.Err)))
	}
	s.msg.SetText(strings.Join(lines, "\n"))
}
