package ui

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// SyncDeps is what the sync status screen (同步) needs: the outbox and the
// links, wired by app. A nil Status hides the tab.
type SyncDeps struct {
	// Status reads each channel's link and queue now: a few queries, so it
	// is called off the Fyne goroutine.
	Status  func(ctx context.Context) (SyncStatus, error)
	Parked  func(ctx context.Context) ([]pos.Job, error) // jobs given up on, oldest first
	Requeue func(ctx context.Context, id string) error   // 重试: a parked job queued again, due now
	SyncNow func(ctx context.Context) error              // 立即同步: every queued job due now
	// Queued is the number of queued jobs as last counted, without a
	// query: the banner's 待同步 N. Nil: not shown.
	Queued func() int
	// Every is how often the screen refreshes while shown (0: 3 s).
	Every time.Duration
	// CardLosses lists the offline card payments the acquirer refused at
	// upload (written off in the ledger); nil: none shown.
	CardLosses func(ctx context.Context) ([]CardLoss, error)
}

// CardLoss is an offline card payment refused at upload: the customer left
// with the goods and the money never came. The owner follows it up.
type CardLoss struct {
	SaleNo     string
	Amount     money.Fen
	MaskedPAN  string
	ApprovedAt time.Time // UTC
	DeclinedAt time.Time // UTC
	Reason     string    // the acquirer's words
}

// SyncStatus is the outbox and the links as the screen shows them.
type SyncStatus struct {
	Channels []ChannelSync
	LastSync time.Time // the last job done since start (zero: none)
	Losses   []CardLoss
}

// ChannelSync is one channel's line.
type ChannelSync struct {
	Provider  pos.Provider // "" gathers the jobs of no channel (其他)
	Link      pos.Link
	LastOK    time.Time // the link's last answer
	LastError string    // the link's last failure
	Queued    int       // jobs waiting for the network
	Oldest    time.Time // when the oldest of them was enqueued
	LastSync  time.Time // the last job of the channel done
}

// syncScreen shows what waits for the network, per channel, and the jobs
// given up on, each with a 重试. view and parked are the model tests read;
// apply is the only method that writes widgets.
type syncScreen struct {
	app     *App
	deps    SyncDeps
	content fyne.CanvasObject

	view   SyncStatus
	parked []pos.Job
	loaded time.Time // when view was read

	table   *fyne.Container // the channels' grid
	summary *widget.Label
	msg     *widget.Label // the last problem, in the owner's words
	syncBtn *widget.Button
	list    *fyne.Container           // the parked jobs
	losses  *fyne.Container           // the offline card payments refused at upload
	retry   map[string]*widget.Button // by job ID
	stop    chan struct{}             // closes the refresh loop; nil when it is not running
	busy    sync.WaitGroup            // button actions in flight (tests wait on it)
}

// newSyncScreen returns nil while the till has no outbox worker.
func newSyncScreen(a *App) *syncScreen {
	d := a.deps.Sync
	if d.Status == nil {
		return nil
	}
	s := &syncScreen{app: a, deps: d, retry: map[string]*widget.Button{}}
	s.table = container.NewGridWithColumns(6)
	s.summary = widget.NewLabel("")
	s.msg = widget.NewLabel("")
	s.msg.Importance = widget.DangerImportance
	s.msg.Wrapping = fyne.TextWrapWord
	s.syncBtn = widget.NewButton(T("Sync now"), s.onSyncNow)
	s.syncBtn.Importance = widget.HighImportance
	s.list = container.NewVBox()
	s.losses = container.NewVBox()
	head := container.NewBorder(nil, nil, nil, s.syncBtn, widget.NewLabelWithStyle(T("Sync status"),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	top := container.NewVBox(head, s.table, s.summary, s.msg, widget.NewSeparator(),
		widget.NewLabelWithStyle(T("Jobs that keep failing"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	s.content = container.NewBorder(top, nil, nil, nil, container.NewVScroll(container.NewVBox(s.list, s.losses)))
	s.reload()
	return s
}

// reload reads the status and shows it; tests call it, the refresh loop
// does the same in two halves across the goroutine boundary.
func (s *syncScreen) reload() {
	v, parked, err := s.load(context.Background())
	s.apply(v, parked, err)
}

// load reads everything the screen shows.
func (s *syncScreen) load(ctx context.Context) (SyncStatus, []pos.Job, error) {
	v, err := s.deps.Status(ctx)
	if err != nil {
		return v, nil, err
	}
	if s.deps.CardLosses != nil {
		if v.Losses, err = s.deps.CardLosses(ctx); err != nil {
			return v, nil, err
		}
	}
	var parked []pos.Job
	if s.deps.Parked != nil {
		parked, err = s.deps.Parked(ctx)
	}
	return v, parked, err
}

// apply shows what load read. It runs on the Fyne goroutine.
func (s *syncScreen) apply(v SyncStatus, parked []pos.Job, err error) {
	if err != nil {
		s.app.deps.Log.Warn("sync status", "err", err)
		s.msg.SetText(cashierMessage(err))
		return
	}
	s.view, s.parked, s.loaded = v, parked, s.now()
	s.msg.SetText("")
	s.showChannels()
	s.showParked()
	s.showLosses()
}

// showLosses lists the offline card payments refused at upload, if any.
func (s *syncScreen) showLosses() {
	var rows []fyne.CanvasObject
	if len(s.view.Losses) > 0 {
		var sum money.Fen
		for _, l := range s.view.Losses {
			sum += l.Amount
		}
		head := widget.NewLabelWithStyle(Tf("Offline card payments refused at upload (written off): %d, %s",
			len(s.view.Losses), sum.Yuan()), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		rows = append(rows, widget.NewSeparator(), head)
	}
	for _, l := range s.view.Losses {
		line := widget.NewLabel(Tf("Order %s · %s · card %s · approved %s · refused %s · %s",
			l.SaleNo, l.Amount.Yuan(), l.MaskedPAN, s.clock(l.ApprovedAt), s.clock(l.DeclinedAt), l.Reason))
		line.Importance = widget.DangerImportance
		line.Wrapping = fyne.TextWrapWord
		rows = append(rows, line)
	}
	s.losses.Objects = rows
	s.losses.Refresh()
}

func (s *syncScreen) now() time.Time {
	if s.app.deps.Now != nil {
		return s.app.deps.Now()
	}
	return time.Now()
}

// showChannels fills the grid: a header, then a row per channel.
func (s *syncScreen) showChannels() {
	bold := func(t string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(t, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	cells := []fyne.CanvasObject{bold(T("Channel")), bold(T("Link")), bold(T("Queued")),
		bold(T("Oldest waiting")), bold(T("Last sync")), bold(T("Last problem"))}
	total := 0
	for _, c := range s.view.Channels {
		link := widget.NewLabel(linkWords(c))
		link.Importance = linkImportance(c.Link)
		cells = append(cells, widget.NewLabel(channelName(c.Provider)), link,
			widget.NewLabel(fmt.Sprint(c.Queued)), widget.NewLabel(s.age(c.Oldest)),
			widget.NewLabel(s.clock(c.LastSync)), widget.NewLabel(clipText(linkProblem(c), 40)))
		total += c.Queued
	}
	s.table.Objects = cells
	s.table.Refresh()
	s.summary.SetText(Tf("Queued: %d · last successful sync: %s", total, s.clock(s.view.LastSync)))
}

// showParked lists the jobs given up on, each with a 重试.
func (s *syncScreen) showParked() {
	s.retry = map[string]*widget.Button{}
	var rows []fyne.CanvasObject
	if len(s.parked) == 0 {
		rows = append(rows, widget.NewLabel(T("None. Every job went through or is still being tried.")))
	}
	for _, j := range s.parked {
		btn := widget.NewButton(T("Retry"), func() { s.onRetry(j.ID) })
		s.retry[j.ID] = btn
		text := Tf("%s · %s · tried %d times · %s", jobKindName(j.Kind), j.Key, j.Tries, s.age(j.Created))
		detail := widget.NewLabel(text + "\n" + jobErrorText(j.LastError))
		detail.Wrapping = fyne.TextWrapWord
		rows = append(rows, container.NewBorder(nil, nil, nil, container.NewCenter(btn), detail))
	}
	s.list.Objects = rows
	s.list.Refresh()
}

// onSyncNow makes every queued job due now (立即同步).
func (s *syncScreen) onSyncNow() {
	s.act(func(ctx context.Context) error { return s.deps.SyncNow(ctx) })
}

// onRetry puts a parked job back in the queue (重试).
func (s *syncScreen) onRetry(id string) {
	s.act(func(ctx context.Context) error { return s.deps.Requeue(ctx, id) })
}

// act runs a button's action off the Fyne goroutine and shows the outcome.
func (s *syncScreen) act(do func(ctx context.Context) error) {
	s.busy.Add(1)
	go func() {
		defer s.busy.Done()
		ctx := context.Background()
		err := do(ctx)
		v, parked, lerr := s.load(ctx)
		fyne.DoAndWait(func() {
			s.apply(v, parked, lerr)
			if err != nil {
				s.app.deps.Log.Warn("sync action", "err", err)
				s.msg.SetText(cashierMessage(err))
			}
		})
	}()
}

// wait waits for the button actions in flight (tests).
func (s *syncScreen) wait() { s.busy.Wait() }

// visible starts or stops the live refresh as the tab is shown or left:
// the screen costs nothing while nobody looks at it. It runs on the Fyne
// goroutine.
func (s *syncScreen) visible(shown bool) {
	switch {
	case shown && s.stop == nil:
		s.stop = make(chan struct{})
		go s.refreshLoop(s.stop)
		s.reload()
	case !shown && s.stop != nil:
		close(s.stop)
		s.stop = nil
	}
}

// refreshLoop reloads every few seconds until stop; it also stops itself
// once the screen is replaced or hidden (a language change rebuilds it).
func (s *syncScreen) refreshLoop(stop chan struct{}) {
	t := time.NewTicker(cmp.Or(s.deps.Every, 3*time.Second))
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		v, parked, err := s.load(context.Background())
		fyne.Do(func() {
			if s.app.syncing != s || s.app.tabs.Selected() == nil || s.app.tabs.Selected().Content != s.content {
				s.visible(false)
				return
			}
			s.apply(v, parked, err)
		})
	}
}

// age says how long ago t was: 刚刚, 5 分钟, 2 小时, 3 天.
func (s *syncScreen) age(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	d := s.now().Sub(t)
	switch {
	case d < time.Minute:
		return T("just now")
	case d < time.Hour:
		return Tf("%d min", int(d/time.Minute))
	case d < 48*time.Hour:
		return Tf("%d h", int(d/time.Hour))
	}
	return Tf("%d days", int(d/(24*time.Hour)))
}

// clock shows t in the shop's zone: the time today, the date before.
func (s *syncScreen) clock(t time.Time) string {
	if t.IsZero() {
		return T("not yet")
	}
	loc := s.app.settings.Location()
	local, now := t.In(loc), s.now().In(loc)
	if local.Format("20060102") == now.Format("20060102") {
		return local.Format("15:04:05")
	}
	return local.Format("01-02 15:04")
}

// withSyncBadge adds 待同步 N to the banner's link text when jobs wait.
func (a *App) withSyncBadge(links string) string {
	if a.deps.Sync.Queued == nil {
		return links
	}
	n := a.deps.Sync.Queued()
	if n <= 0 {
		return links
	}
	badge := Tf("To sync: %d", n)
	if links == "" {
		return badge
	}
	return links + " · " + badge
}

func channelName(p pos.Provider) string {
	if p == "" {
		return T("Other")
	}
	if name, ok := tenderNames[p.TenderKind()]; ok {
		return T(name)
	}
	return string(p)
}

func linkWords(c ChannelSync) string {
	if c.Provider == "" {
		return "—"
	}
	return linkName(c.Link)
}

// linkName is a link state in the cashier's language: 在线 / 离线 / 部分可用.
func linkName(l pos.Link) string {
	switch l {
	case pos.LinkOnline:
		return T("Online")
	case pos.LinkOffline:
		return T("Offline")
	case pos.LinkPartial:
		return T("Partly available")
	}
	return string(l)
}

func linkImportance(l pos.Link) widget.Importance {
	switch l {
	case pos.LinkOffline:
		return widget.DangerImportance
	case pos.LinkPartial:
		return widget.WarningImportance
	}
	return widget.SuccessImportance
}

// linkProblem is the link's last failure while it is not online.
func linkProblem(c ChannelSync) string {
	if c.Link == pos.LinkOnline || c.LastError == "" {
		return ""
	}
	return jobErrorText(c.LastError)
}

func jobKindName(k pos.JobKind) string {
	switch k {
	case pos.JobResolvePayment:
		return T("Confirm a payment")
	case pos.JobResolveRefund:
		return T("Confirm a refund")
	case pos.JobDownloadBill:
		return T("Download a bill")
	case pos.JobUploadCardCapture:
		return T("Upload an offline card payment")
	}
	return string(k)
}

// errorWords turn the log text of a job's or a link's failure into the
// owner's words, first match wins. The log text stays in the log.
var errorWords = []struct {
	re  *regexp.Regexp
	msg string
}{
	{regexp.MustCompile(`no handler for job kind`), "This till cannot do this kind of job yet (update the software)."},
	{regexp.MustCompile(`panicked`), "Program error; the details are in the log."},
	{regexp.MustCompile(`the job is for .* the payment is`), "The job does not match its payment. Call for support."},
	{regexp.MustCompile(`disk is full|database or disk is full`), "Disk full. Free some disk space."},
	{regexp.MustCompile(`provider is offline`), "The provider is offline."},
	{regexp.MustCompile(`still (authorizing|waiting|unknown|cancelling|created)`), "The provider has not given the outcome yet."},
	{regexp.MustCompile(`refund \S+ still pending`), "The provider has not given the refund's outcome yet."},
	{regexp.MustCompile(`(?i)timeout|deadline exceeded`), "The provider did not answer in time."},
	{regexp.MustCompile(`(?i)connection refused|no such host|network is unreachable|EOF|connection reset`), "Cannot reach the provider."},
	{regexp.MustCompile(`HTTP 5\d\d`), "The provider's server had an error."},
	{regexp.MustCompile(`channel not configured`), "The channel is not set up."},
}

var gaveUp = regexp.MustCompile(`^gave up after (\d+) tries`)

// jobErrorText is a job's last error in the owner's words where we have
// them, else as it was logged.
func jobErrorText(e string) string {
	if e == "" {
		return ""
	}
	prefix := ""
	if m := gaveUp.FindStringSubmatch(e); m != nil {
		prefix = Tf("Gave up after %s tries: ", m[1])
	}
	for _, w := range errorWords {
		if w.re.MatchString(e) {
			return prefix + T(w.msg)
		}
	}
	return prefix + clipText(e, 200)
}

func clipText(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n]) + "…"
}
