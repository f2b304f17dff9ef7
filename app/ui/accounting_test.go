package ui

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/sync/alipay"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
	"zhanggui/sync/settlement"
	"zhanggui/sync/settlement/reconcile"
)

// simClock is the simulator's and the payments' clock, moved by the test.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *simClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// withBillSimulator is withSimulator on a clock the test sets, so a day
// can end and its bill be fetched: the fixture's till pays by Alipay
// through the real client and the simulator over loopback.
func withBillSimulator(t *testing.T, f *fixture) (*providersim.Sim, *alipay.Client, *simClock) {
	t.Helper()
	clock := &simClock{t: f.now}
	sim, err := providersim.New(providersim.Config{DataDir: t.TempDir(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	c := sim.Credentials().Alipay
	cli, err := alipay.New(alipay.Config{AppID: c.AppID, PrivateKeyPEM: c.AppPrivateKeyPEM, Now: clock.Now,
		AlipayPublicKeyPEM: c.AlipayPublicKeyPEM, Gateway: srv.URL + "/alipay/gateway.do", Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	svc := &payments.Service{Store: f.db, Providers: map[pos.Provider]payments.Provider{pos.Alipay: cli},
		Now: clock.Now, NewID: func() string {
			n++
			return strings.Repeat("0", 28) + string(rune('a'+n)) + "bil"
		},
		Policy: payments.Policy{PollEvery: 30 * time.Millisecond, PollFor: 3 * time.Second, QRFor: 3 * time.Second,
			CancelTries: 3, CancelEvery: 10 * time.Millisecond}}
	f.app.deps.Payments, f.app.deps.PaymentStore, f.app.deps.Refunds = svc, f.db, f.db
	return sim, cli, clock
}

// testAccounting is AccountingDeps over reconcile.Service for the tests,
// as app's accountingDeps wires it (app cannot be imported from here).
func testAccounting(db *storage.DB, sources map[settlement.Channel]reconcile.BillSource, now func() time.Time) AccountingDeps {
	svc := &reconcile.Service{DB: db, Now: now, Sources: sources}
	stored := func(ctx context.Context, from, to time.Time, lang string) (ReconResult, error) {
		var days []storage.ReconDay
		for d := settlement.DayOf(from); !d.After(settlement.DayOf(to)); d = d.AddDate(0, 0, 1) {
			if day, err := db.Reconciliation(ctx, d); err == nil {
				days = append(days, day)
			} else if !errors.Is(err, storage.ErrNotFound) {
				return ReconResult{}, err
			}
		}
		return testResult(days, lang), nil
	}
	return AccountingDeps{
		Reconcile: func(ctx context.Context, from, to time.Time, lang string, progress func(int, int)) (ReconResult, error) {
			cfg, err := reconcile.StoredConfig(ctx, db)
			if err != nil {
				return ReconResult{}, err
			}
			svc.Progress, svc.Config = progress, cfg
			if _, _, err := svc.Range(ctx, from, to); err != nil {
				return ReconResult{}, err
			}
			return stored(ctx, from, to, lang)
		},
		Stored: stored,
		Resolve: func(ctx context.Context, key, who, note string) (ReconNote, error) {
			r, err := db.Resolve(ctx, key, who, note)
			return ReconNote{Who: r.Who, Note: r.Note, At: r.At}, err
		},
		Export: func(path string, from, to time.Time, lang string) error {
			d, err := db.Reconciliation(context.Background(), settlement.DayOf(from))
			if err != nil {
				return err
			}
			return reconcile.Export(path, []storage.ReconDay{d}, lang)
		},
		FeeRates:     func(ctx context.Context) (map[string]int64, error) { return db.FeeRates(ctx) },
		SaveFeeRates: db.SaveFeeRates, SaleByNo: db.SaleByNo, PaymentHistory: db.PaymentHistory,
	}
}

// testResult is the screen's view of stored days (one channel suffices).
func testResult(days []storage.ReconDay, lang string) ReconResult {
	r := ReconResult{Days: len(days)}
	for _, d := range days {
		for _, c := range d.Channels {
			r.Channels = append(r.Channels, ReconSummary{Channel: c.Channel, HaveBill: c.HaveBill,
				Name: settlement.ChannelLabel(settlement.Channel(c.Channel), lang), FeeRateBP: c.FeeRateBP,
				Payments: c.Payments, Gross: c.Gross, Fees: c.FeesCharged - c.FeesReturned, Differences: c.Differences,
				Expected: c.TillGross - c.TillRefunded - c.ExpectedFees, Open: c.Differences})
		}
		r.Items += len(d.Items)
		for _, it := range d.Items {
			if !it.Difference {
				continue
			}
			st, _ := settlement.ParseStatus(it.Status)
			x := ReconItem{Key: it.Key, Channel: settlement.ChannelLabel(settlement.Channel(it.Channel), lang),
				Status: st.Label(lang), Action: st.Action(lang), Urgent: it.Urgent, OutTradeNo: it.OutTradeNo,
				SaleNo: it.SaleNo, OnBill: it.OnBill, InTill: it.InTill, BillAmount: it.BillAmount, TillAmount: it.TillAmount,
				BillFee: it.BillFee, ExpectedFee: it.ExpectedFee, Kind: it.Kind, At: it.BillAt}
			if res := it.Resolution; res != nil {
				x.Resolution = &ReconNote{Who: res.Who, Note: res.Note, At: res.At}
			}
			r.Differences = append(r.Differences, x)
		}
	}
	return r
}

// payByWallet sells the goods paid with a fresh Alipay code through the
// payment service and saves the sale, as the checkout does once paid. (It
// skips the checkout's dialogs: their goroutines are the payflow tests'
// business, and the race detector would blame this test for them.)
func payByWallet(t *testing.T, f *fixture, sim *providersim.Sim, codes ...string) *pos.Sale {
	t.Helper()
	ctx := context.Background()
	cart := &pos.Cart{ID: f.app.deps.NewID()}
	for _, c := range codes {
		p, err := f.app.deps.Catalog.ByBarcode(c)
		if err != nil {
			t.Fatal(err)
		}
		if err := cart.Add(p, pos.OnePiece); err != nil {
			t.Fatal(err)
		}
	}
	pm, err := f.app.deps.Payments.PayCode(ctx, cart.ID, sim.NewPaymentCode(providersim.Alipay, "buyer"),
		cart.Totals().Total, nil)
	if err != nil || pm.State != pos.PaySucceeded {
		t.Fatalf("wallet payment: %s, %v", pm.State, err)
	}
	no, err := f.db.NextSaleNo(ctx, pos.BusinessDay(f.now, f.app.settings.Location()), "01", "01")
	if err != nil {
		t.Fatal(err)
	}
	sale, err := cart.Checkout(pos.Checkout{ID: cart.ID, No: no, EntryID: f.app.deps.NewID(), At: f.now,
		Tenders: []pos.Tender{pm.Tender()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.SaveSale(ctx, sale); err != nil {
		t.Fatal(err)
	}
	return sale
}

// TestAccountingScreen is the accountant's morning: two sales paid by
// wallet and a charge the till never completed; the next day the screen
// downloads the bill and reconciles with a progress bar, shows the
// difference with what to do, opens it, and marks it resolved, stored
// with who, when and why.
func TestAccountingScreen(t *testing.T) {
	f := newFixture(t)
	sim, cli, clock := withBillSimulator(t, f)
	payByWallet(t, f, sim, "6901234567892")
	payByWallet(t, f, sim, "6903456789014", "6903456789014")
	lost, err := cli.Pay(context.Background(), pos.PayRequest{OutTradeNo: "zg0000000000000000000000000lost1",
		AuthCode: sim.NewPaymentCode(providersim.Alipay, "buyer"), Amount: 666, Subject: "掌柜"})
	if err != nil || lost.Status != pos.StatusSuccess {
		t.Fatalf("the charge the till never completed: %+v, %v", lost, err)
	}

	next := f.now.Add(24 * time.Hour).Add(3 * time.Hour) // 13:00 the next day, Beijing
	clock.Set(next)
	f.now = next
	f.app.deps.Accounting = testAccounting(f.db, map[settlement.Channel]reconcile.BillSource{settlement.Alipay: cli}, clock.Now)
	s := newAccountingScreen(f.app)
	if s == nil {
		t.Fatal("no accounting screen with the deps set")
	}
	test.NewTempWindow(t, s.content)
	if got, want := s.from.Text, "2026-11-25"; got != want {
		t.Errorf("the range starts %s, want yesterday %s", got, want)
	}
	steps := 0
	inner := s.deps.Reconcile
	s.deps.Reconcile = func(ctx context.Context, from, to time.Time, lang string, p func(int, int)) (ReconResult, error) {
		return inner(ctx, from, to, lang, func(d, n int) { steps++; p(d, n) })
	}
	s.onRun()
	waitRun(t, s)
	if steps == 0 || s.bar.Visible() || s.run.Disabled() || s.running {
		t.Errorf("progress: %d steps heard; after the run: bar visible %v, button disabled %v", steps, s.bar.Visible(), s.run.Disabled())
	}
	if s.msg.Text != "" {
		t.Errorf("message after the run: %q", s.msg.Text)
	}
	if len(s.result.Differences) != 1 {
		t.Fatalf("differences %+v, want the one charge", s.result.Differences)
	}
	d := s.result.Differences[0]
	if d.OutTradeNo != "zg0000000000000000000000000lost1" || !d.Urgent || d.BillAmount != 666 ||
		!strings.Contains(d.Action, "原路退款") {
		t.Errorf("difference %+v, want the urgent ¥6.66 charge with no sale, refund or complete", d)
	}
	if got := summaryTexts(s); !strings.Contains(got, "支付宝 (0.60%)|3 + 退 0|¥18.66|¥0.00|¥0.11|¥18.66|¥11.93|1（未处理 1）") {
		t.Errorf("summary:\n%s\nwant Alipay with the 3 charges of ¥18.66 on the bill, ¥0.11 of fees, the till expecting ¥11.93, 1 open difference", got)
	}

	s.list.Select(0)
	for _, want := range []string{"渠道已扣款，收银机无订单", "收银机没有此笔付款对应的已完成订单", "zg0000000000000000000000000lost1"} {
		if !strings.Contains(s.detail.Text, want) {
			t.Errorf("detail lacks %q:\n%s", want, s.detail.Text)
		}
	}
	s.onResolve()
	if s.msg.Text != "请先填写处理说明。" {
		t.Errorf("resolve without a note: %q", s.msg.Text)
	}
	test.Type(s.note, "已原路退款给顾客")
	test.Tap(s.resolve)
	if s.result.Differences[0].Resolution == nil || !s.resolve.Disabled() {
		t.Fatal("the difference is not shown resolved")
	}
	day, err := f.db.Reconciliation(context.Background(), settlement.DayOf(f.now.Add(-24*time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	var res *storage.Resolution
	for _, it := range day.Items {
		if it.Key == d.Key {
			res = it.Resolution
		}
	}
	if res == nil || res.Who != f.app.cashier.Name || res.Note != "已原路退款给顾客" || res.At.IsZero() {
		t.Errorf("stored resolution %+v, want by %s with the note", res, f.app.cashier.Name)
	}
	if !strings.Contains(s.status.Text, "未处理 0 项") {
		t.Errorf("status after resolving: %q", s.status.Text)
	}
}

// TestAccountingDrillIntoSale opens a difference that has a sale: the
// receipt and the payment history show.
func TestAccountingDrillIntoSale(t *testing.T) {
	f := newFixture(t)
	sim, _, _ := withBillSimulator(t, f)
	sale := payByWallet(t, f, sim, "6901234567892")
	sales := []*pos.Sale{sale}
	f.app.deps.Accounting = testAccounting(f.db, nil, time.Now)
	s := newAccountingScreen(f.app)
	s.result = ReconResult{Days: 1, Differences: []ReconItem{{Key: "k", Status: "收银机有，渠道未结算",
		Channel: "支付宝", SaleNo: sales[0].No, OutTradeNo: sales[0].Tenders[0].PaymentID, InTill: true, TillAmount: sales[0].Total}}}
	s.list.Refresh()
	s.open(0)
	for _, want := range []string{sales[0].No, "支付记录", "已付款", sales[0].Tenders[0].PaymentID} {
		if !strings.Contains(s.detail.Text, want) {
			t.Errorf("detail lacks %q:\n%s", want, s.detail.Text)
		}
	}
}

// TestAccountingFeeRatesAndImport saves a fee rate typed as a percentage,
// refuses a bad one in words, and refuses a malformed bill file listing
// its bad line.
func TestAccountingFeeRatesAndImport(t *testing.T) {
	f := newFixture(t)
	f.app.deps.Accounting = testAccounting(f.db, nil, func() time.Time { return f.now })
	imported := false
	f.app.deps.Accounting.ImportBill = func(ctx context.Context, ch, path string, day time.Time) ([]time.Time, error) {
		imported = true
		return nil, &BillFileError{Lines: []string{"第 5 行「交易金额(元)」：bad amount"}}
	}
	s := newAccountingScreen(f.app)
	entries := []*widget.Entry{newEntryWith("0.38"), newEntryWith("0.6"), newEntryWith("0.55")}
	s.saveFeeRates(entries)
	rates, err := f.db.FeeRates(context.Background())
	if err != nil || rates["alipay"] != 38 || rates["wechat"] != 60 || rates["acquirer"] != 55 {
		t.Errorf("stored rates %v, %v; want 38, 60, 55 bp", rates, err)
	}
	s.saveFeeRates([]*widget.Entry{newEntryWith("0.385"), newEntryWith("1"), newEntryWith("1")})
	if !strings.Contains(s.msg.Text, "最多两位小数") {
		t.Errorf("bad rate message %q", s.msg.Text)
	}
	path := filepath.Join(t.TempDir(), "bill.csv")
	if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.importFile("acquirer", path)
	if !imported || !strings.Contains(s.msg.Text, "账单文件有 1 处问题，未导入") || !strings.Contains(s.msg.Text, "第 5 行") {
		t.Errorf("import of a bad file: %q", s.msg.Text)
	}
}

// TestAccountingMessages says every error in plain Chinese.
func TestAccountingMessages(t *testing.T) {
	for _, err := range []error{errBadDay, errDayOrder, errTooManyDays, errFutureDay, ErrBillNoDay,
		pos.Errorf(pos.CodeNotFound, "x"), pos.Errorf(pos.CodeUnavailable, "x"), pos.Errorf(pos.CodeInvalid, "x"),
		pos.Errorf(pos.CodeConflict, "x"), errors.New("x")} {
		if m := accountingMessage(err); m == "" || m == err.Error() || strings.ContainsAny(m, "abcdefghijklmnopqrstuvwxyz") && !strings.Contains(m, "YYYY") {
			t.Errorf("accountingMessage(%v) = %q", err, m)
		}
	}
}

func newEntryWith(text string) *widget.Entry {
	e := widget.NewEntry()
	e.SetText(text)
	return e
}

// waitRun waits for the run in progress to be shown.
func waitRun(t *testing.T, s *accountingScreen) {
	t.Helper()
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		t.Fatal("the reconciliation never finished")
	}
}

// summaryTexts is the summary table, one row a line, cells joined by |.
func summaryTexts(s *accountingScreen) string {
	var lines []string
	for _, r := range s.summary.Objects {
		var cells []string
		for _, o := range r.(*fyne.Container).Objects {
			cells = append(cells, o.(*widget.Label).Text)
		}
		lines = append(lines, strings.Join(cells, "|"))
	}
	return strings.Join(lines, "\n")
}
