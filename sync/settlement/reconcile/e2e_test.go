package reconcile_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
	"zhanggui/sync/settlement"
	"zhanggui/sync/settlement/reconcile"
	"zhanggui/sync/settlement/settlementtest"
)

var ctx = context.Background()

// keyDir holds the simulator's keys, made once for the test binary.
var keyDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "reconcile-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	keyDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// day is the day of trading: Wednesday 25 November 2026, Beijing time.
var day = time.Date(2026, 11, 25, 0, 0, 0, 0, settlement.Beijing)

func at(off, h, m, s int) time.Time {
	return day.AddDate(0, 0, off).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second)
}

// shop is a till with its SQLite file, the real payment service and the
// provider simulator, on clocks the test sets: the providers' clock, and
// the till's, lag behind it.
type shop struct {
	t      *testing.T
	env    *settlementtest.Env
	db     *storage.DB
	svc    *payments.Service
	lag    time.Duration
	giveUp bool              // the cashier gives up at the next wait
	ids    map[string]string // the test's names → out_trade_no / out_refund_no
	sales  map[string]*pos.Sale
	n      int
}

func newShop(t *testing.T) *shop {
	t.Helper()
	s := &shop{t: t, ids: map[string]string{}, sales: map[string]*pos.Sale{}}
	s.env = settlementtest.New(t, keyDir, settlementtest.NewClock(at(0, 9, 0, 0)))
	s.db = storagetest.NewDB(t)
	s.db.Now = s.tillNow
	s.svc = &payments.Service{Store: s.db, RefundStore: s.db, Now: s.tillNow, NewID: s.newID, Sleep: s.sleep,
		Providers: map[pos.Provider]payments.Provider{pos.Alipay: &liar{Provider: s.env.Alipay, amount: 4321},
			pos.Wechat: s.env.Wechat, pos.UnionPay: s.env.Acquirer, pos.ECNY: s.env.Acquirer},
		Policy: payments.Policy{PollEvery: 2 * time.Second, PollFor: 30 * time.Second, QRFor: 2 * time.Minute,
			QRExpiry: 5 * time.Minute, CancelTries: 3, CancelEvery: 2 * time.Second}}
	return s
}

func (s *shop) tillNow() time.Time { return s.env.Clock.Now().Add(-s.lag) }

func (s *shop) newID() string { s.n++; return fmt.Sprintf("zg%030d", s.n) }

// sleep is the service's wait: the clocks move, nobody sleeps; a cashier
// who gives up ends the wait.
func (s *shop) sleep(ctx context.Context, d time.Duration) error {
	if s.giveUp {
		s.giveUp = false
		return context.Canceled
	}
	s.env.Clock.Advance(d)
	return ctx.Err()
}

// liar answers "paid" for one amount without asking Alipay: a till that
// recorded a payment the provider never took (a forged or replayed
// answer), so the sale is in the till and not on the bill.
type liar struct {
	payments.Provider
	amount money.Fen
}

func (l *liar) Pay(ctx context.Context, r pos.PayRequest) (pos.ProviderResult, error) {
	if r.Amount == l.amount {
		return pos.ProviderResult{Status: pos.StatusSuccess, TradeNo: "2026112522009999", Amount: r.Amount}, nil
	}
	return l.Provider.Pay(ctx, r)
}

// pay charges a fresh code of p for amount at h:m, named name; with sell
// the sale is saved, as the checkout does once paid.
func (s *shop) pay(name string, p pos.Provider, amount money.Fen, when time.Time, sell bool) pos.Payment {
	s.t.Helper()
	s.env.Clock.Set(when.Add(s.lag))
	cart := &pos.Cart{ID: s.newID()}
	if err := cart.Add(pos.Product{Barcode: "2000000000015", Name: "测试商品", Unit: "个", Price: amount, Active: true}, pos.OnePiece); err != nil {
		s.t.Fatal(err)
	}
	pm, err := s.svc.PayCode(ctx, cart.ID, s.env.Code(p, "u1"), amount, nil)
	if err != nil {
		s.t.Fatalf("pay %s: %v", name, err)
	}
	s.ids[name] = pm.ID
	if sell && pm.State == pos.PaySucceeded {
		s.save(name, cart, pos.Checkout{Tenders: []pos.Tender{pm.Tender()}})
	}
	return pm
}

func (s *shop) save(name string, cart *pos.Cart, co pos.Checkout) {
	s.t.Helper()
	no, err := s.db.NextSaleNo(ctx, pos.BusinessDay(s.tillNow(), settlement.Beijing), "01", "01")
	if err != nil {
		s.t.Fatal(err)
	}
	co.ID, co.No, co.EntryID, co.At = cart.ID, no, s.newID(), s.tillNow()
	sale, err := cart.Checkout(co)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := s.db.SaveSale(ctx, sale); err != nil {
		s.t.Fatal(err)
	}
	s.sales[name] = sale
}

func (s *shop) refund(name, of string, amount money.Fen, when time.Time) {
	s.t.Helper()
	s.env.Clock.Set(when.Add(s.lag))
	r, err := s.svc.Refund(ctx, s.sales[of], 0, amount, "顾客退货")
	if err != nil || r.State != pos.RefundDone {
		s.t.Fatalf("refund %s: %+v, %v", name, r, err)
	}
	s.ids[name] = r.ID
}

// trade runs the day: every kind of event the issue lists.
func (s *shop) trade() {
	s.t.Helper()
	s.pay("A1", pos.Alipay, 2500, at(0, 9, 0, 0), true)
	s.pay("A2", pos.Alipay, 84, at(0, 9, 5, 0), true)  // 0.504 fen of fee: 1
	s.pay("A3", pos.Alipay, 83, at(0, 9, 10, 0), true) // 0.498: 0
	s.pay("W1", pos.Wechat, 5000, at(0, 10, 0, 0), true)
	s.pay("W2", pos.Wechat, 250, at(0, 10, 5, 0), true) // 1.5: 2
	s.pay("U1", pos.UnionPay, 1200, at(0, 11, 0, 0), true)
	s.pay("E1", pos.ECNY, 1999, at(0, 11, 5, 0), true)
	s.env.Clock.Set(at(0, 12, 0, 0))
	cash := &pos.Cart{ID: s.newID()}
	_ = cash.Add(pos.Product{Barcode: "2000000000022", Name: "现金商品", Unit: "个", Price: 800, Active: true}, pos.OnePiece)
	td, _ := pos.CashTender(800, 1000)
	s.save("C1", cash, pos.Checkout{Tenders: []pos.Tender{td}})

	s.refund("RA1", "A1", 500, at(0, 14, 0, 0)) // partial: 0.03 of the fee back
	s.refund("RW2", "W2", 250, at(0, 14, 5, 0)) // full: all the fee back
	s.refund("RE1", "E1", 999, at(0, 14, 10, 0))

	// A reversal: the answer is lost after the charge, the cashier gives up,
	// the service cancels and Alipay gives the money back.
	s.env.Clock.Set(at(0, 15, 0, 0))
	code := s.env.Code(pos.Alipay, "u1") // a code lives a minute: issued now
	s.env.Sim.Script(providersim.OnCode(code), providersim.DropConnectionAfterCharge)
	s.giveUp = true
	pm, err := s.svc.PayCode(ctx, s.newID(), code, 300, nil)
	if err != nil || pm.State != pos.PayReversed {
		s.t.Fatalf("reversal: %s, %v", pm.State, err)
	}
	s.ids["REV"] = pm.ID

	s.pay("LOST", pos.Wechat, 666, at(0, 16, 0, 0), false) // charged; the till crashed before the sale was saved
	s.pay("FAKE", pos.Alipay, 4321, at(0, 17, 0, 0), true) // sold; the provider never took it
	s.pay("W3", pos.Wechat, 1234, at(0, 23, 59, 58), true) // on the day's bill
	s.lag = time.Second                                    // the till's 23:59:59.5 is the provider's 00:00:00.5
	s.pay("A4", pos.Alipay, 999, at(0, 23, 59, 59).Add(500*time.Millisecond), true)
	s.lag = 0
}

// outcome is what the test checks of an item.
type outcome struct {
	Channel, Kind, Name, Status string
	Bill, Till                  money.Fen
}

func (s *shop) outcomes(d storage.ReconDay) []outcome {
	names := map[string]string{}
	for name, id := range s.ids {
		names[id] = name
	}
	var out []outcome
	for _, it := range d.Items {
		id := it.OutTradeNo
		if it.Kind == "refund" {
			id = it.OutRefundNo
		}
		out = append(out, outcome{it.Channel, it.Kind, names[id], it.Status, it.BillAmount, it.TillAmount})
	}
	return out
}

// wantDay is the exact classification of the day, in time order.
var wantDay = []outcome{
	{"alipay", "payment", "A1", "matched", 2500, 2500},
	{"alipay", "payment", "A2", "matched", 84, 84},
	{"alipay", "payment", "A3", "matched", 83, 83},
	{"wechat", "payment", "W1", "matched", 5000, 5000},
	{"wechat", "payment", "W2", "matched", 250, 250},
	{"acquirer", "payment", "U1", "matched", 1200, 1200},
	{"acquirer", "payment", "E1", "matched", 1999, 1999},
	{"alipay", "refund", "RA1", "matched", 500, 500},
	{"wechat", "refund", "RW2", "matched", 250, 250},
	{"acquirer", "refund", "RE1", "matched", 999, 999},
	{"alipay", "payment", "REV", "reversed", 300, 300},
	{"alipay", "reversal", "REV", "reversed", 300, 300},
	{"wechat", "payment", "LOST", "only_provider", 666, 666},
	{"alipay", "payment", "FAKE", "only_till", 0, 4321},
	{"wechat", "payment", "W3", "matched", 1234, 1234},
}

// sortOutcomes orders by channel, then as Reconcile does within one.
func sortOutcomes(os []outcome) []outcome {
	order := map[string]int{"alipay": 0, "wechat": 1, "acquirer": 2}
	slices.SortStableFunc(os, func(a, b outcome) int { return order[a.Channel] - order[b.Channel] })
	return os
}

func (s *shop) deps() reconcile.Deps {
	open := func() (*storage.DB, error) { // a handle of the command's own, which it closes
		db, err := storage.Open(s.db.Path())
		if err == nil {
			db.Now = s.tillNow
		}
		return db, err
	}
	return reconcile.Deps{Open: open, Now: s.env.Clock.Now,
		Sources: map[settlement.Channel]reconcile.BillSource{settlement.Alipay: s.env.Alipay,
			settlement.Wechat: s.env.Wechat, settlement.Acquirer: settlementtest.AcquirerSource{Env: s.env}}}
}

// run runs the reconcile command at the providers' time now.
func (s *shop) run(now time.Time, args ...string) (int, string) {
	s.t.Helper()
	s.env.Clock.Set(now)
	var out, errb bytes.Buffer
	code := reconcile.RunReconcile(args, &out, &errb, s.deps())
	s.t.Logf("reconcile %v → %d\n%s%s", args, code, out.String(), errb.String())
	return code, out.String()
}

func (s *shop) stored(d time.Time) storage.ReconDay {
	s.t.Helper()
	got, err := s.db.Reconciliation(ctx, d)
	if err != nil {
		s.t.Fatal(err)
	}
	return got
}

// TestDayOfEveryEvent is the test: the simulator's bills of a day
// with payments, partial and full refunds, a reversal, fee rounding, a
// payment at 23:59:58, one across midnight, a charge the till never
// completed and a sale the provider never settled reconcile to exactly
// the expected classification, through the real payment service, the
// simulator, its bills and SQLite.
func TestDayOfEveryEvent(t *testing.T) {
	s := newShop(t)
	s.trade()

	// The next morning: the day's bills are out, the next day's are not. The
	// payment made at 23:59:59.5 waits for that bill instead of being missing.
	code, _ := s.run(at(1, 10, 30, 0), "--date", "2026-11-25")
	first := wantWith("A4", "awaiting_bill", 0, 999)
	if diff := cmp.Diff(sortOutcomes(first), sortOutcomes(s.outcomes(s.stored(day)))); diff != "" || code != reconcile.ExitDifferences {
		t.Errorf("the next morning: exit %d, items (-want +got):\n%s", code, diff)
	}

	// A day later the next day's bill has it, just after midnight.
	code, out := s.run(at(2, 11, 0, 0), "--date", "2026-11-25")
	d := s.stored(day)
	if diff := cmp.Diff(sortOutcomes(wantWith("A4", "cross_day", 999, 999)), sortOutcomes(s.outcomes(d))); diff != "" || code != reconcile.ExitDifferences {
		t.Errorf("two days later: exit %d, items (-want +got):\n%s", code, diff)
	}
	checkFigures(t, d)
	if !strings.Contains(out, "! wechat:payment:"+s.ids["LOST"]+":only_provider") || !strings.Contains(out, "原路退款") {
		t.Errorf("the output does not flag the urgent charge:\n%s", out)
	}
	s.resolveAll(d)
}

// wantWith is wantDay with the cross-midnight payment's item appended.
func wantWith(name, status string, bill, till money.Fen) []outcome {
	return append(slices.Clone(wantDay), outcome{"alipay", "payment", name, status, bill, till})
}

// checkFigures checks the day's summary against the bills.
func checkFigures(t *testing.T, d storage.ReconDay) {
	t.Helper()
	want := map[string]storage.ReconChannel{
		"alipay": {Channel: "alipay", HaveBill: true, FeeRateBP: 60, Payments: 4, Refunds: 2, Gross: 2500 + 84 + 83 + 300,
			Refunded: 500 + 300, FeesCharged: 15 + 1 + 0 + 2, FeesReturned: 3 + 2, TillPayments: 5, TillRefunds: 1,
			TillGross: 2500 + 84 + 83 + 4321 + 999, TillRefunded: 500, ExpectedFees: 15 + 1 + 26 + 6 - 3, Differences: 1},
		"wechat": {Channel: "wechat", HaveBill: true, FeeRateBP: 60, Payments: 4, Refunds: 1, Gross: 5000 + 250 + 666 + 1234,
			Refunded: 250, FeesCharged: 30 + 2 + 4 + 7, FeesReturned: 2, TillPayments: 4, TillRefunds: 1,
			TillGross: 5000 + 250 + 666 + 1234, TillRefunded: 250, ExpectedFees: 30 + 2 + 4 + 7 - 2, Differences: 1, Urgent: 1},
		"acquirer": {Channel: "acquirer", HaveBill: true, FeeRateBP: 60, Payments: 2, Refunds: 1, Gross: 1200 + 1999,
			Refunded: 999, FeesCharged: 7 + 12, FeesReturned: 6, TillPayments: 2, TillRefunds: 1, TillGross: 1200 + 1999,
			TillRefunded: 999, ExpectedFees: 7 + 12 - 6},
	}
	for _, c := range d.Channels {
		w := want[c.Channel]
		w.BillID = c.BillID
		if diff := cmp.Diff(w, c); diff != "" {
			t.Errorf("%s figures (-want +got):\n%s", c.Channel, diff)
		}
	}
	if d.CashIn != 800 || d.CashOut != 0 || d.CountedCash != nil {
		t.Errorf("drawer in %v out %v counted %v; want ¥8.00 in and no count", d.CashIn, d.CashOut, d.CountedCash)
	}
}

// resolveAll notes the two differences, re-runs and expects the day clean
// with the notes kept.
func (s *shop) resolveAll(d storage.ReconDay) {
	s.t.Helper()
	for _, it := range d.Items {
		if !it.Difference {
			continue
		}
		var out, errb bytes.Buffer
		if code := reconcile.RunResolve([]string{"--who", "店主", "--note", "已处理 " + it.Status, it.Key}, &out, &errb, s.deps()); code != 0 {
			s.t.Fatalf("resolve %s: %d %s", it.Key, code, errb.String())
		}
	}
	path := filepath.Join(s.t.TempDir(), "recon.xlsx")
	code, _ := s.run(at(2, 11, 5, 0), "--date", "2026-11-25", "--to", "2026-11-26", "--out", path)
	if code != reconcile.ExitClean {
		s.t.Errorf("after resolving both: exit %d, want %d", code, reconcile.ExitClean)
	}
	again := s.stored(day)
	notes := 0
	for _, it := range again.Items {
		if it.Difference && it.Resolution != nil && it.Resolution.Who == "店主" {
			notes++
		}
	}
	if notes != 2 || len(again.Items) != len(d.Items) {
		s.t.Errorf("after a re-run: %d notes kept on %d items, want 2 on %d", notes, len(again.Items), len(d.Items))
	}
	next := s.stored(day.AddDate(0, 0, 1))
	if got := s.outcomes(next); len(got) != 1 || got[0].Name != "A4" || got[0].Status != "cross_day" {
		s.t.Errorf("the next day: %+v, want the cross-midnight payment matched", got)
	}
	checkWorkbook(s.t, path, len(again.Items)+len(next.Items))
}

// checkWorkbook reopens the exported workbook: every item on 明细, the two
// resolved differences on 差异 with their notes.
func checkWorkbook(t *testing.T, path string, items int) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("明细")
	diffs, _ := f.GetRows("差异")
	if len(rows) != items+1 || len(diffs) != 3 || diffs[1][14] != "店主" {
		t.Errorf("workbook: %d detail rows for %d items, differences %q", len(rows)-1, items, diffs)
	}
	if v, _ := f.GetCellValue("汇总", "A4"); v != "支付宝" {
		t.Errorf("汇总!A4 = %q", v)
	}
}
