package settlement_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/sync/settlement"
	"zhanggui/sync/settlement/settlementtest"
)

var update = flag.Bool("update", false, "rewrite testdata/sim_* from a fresh simulator run")

var ctx = context.Background()

// keyDir holds the simulator's keys, made once for the test binary.
var keyDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "settlement-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	keyDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// billDay is the day of the simulated bills: Monday 10 March 2025, Beijing.
var billDay = time.Date(2025, 3, 10, 0, 0, 0, 0, settlement.Beijing)

// simDay runs a day of every kind of event at every provider: payments
// whose fees round both ways (¥0.01, ¥0.83, ¥0.84, ¥2.50), a partial and a
// full refund, a reversal of a paid payment, and a payment at 23:59:58.
func simDay(t *testing.T) *settlementtest.Env {
	t.Helper()
	clk := settlementtest.NewClock(billDay.Add(9 * time.Hour))
	e := settlementtest.New(t, keyDir, clk)
	type client interface {
		Pay(context.Context, pos.PayRequest) (pos.ProviderResult, error)
		Cancel(context.Context, string) (pos.ProviderResult, error)
		Refund(context.Context, pos.RefundRequest) (pos.ProviderResult, error)
	}
	for _, pc := range []struct {
		p pos.Provider
		c client
	}{{pos.Alipay, e.Alipay}, {pos.Wechat, e.Wechat}, {pos.UnionPay, e.Acquirer}} {
		prefix := string(pc.p[:1])
		pay := func(no string, amount money.Fen) {
			t.Helper()
			code := e.Code(pc.p, "u1")
			if pc.p == pos.UnionPay && amount == 1999 {
				code = e.Code(pos.ECNY, "u1")
			}
			r, err := pc.c.Pay(ctx, pos.PayRequest{OutTradeNo: prefix + no, AuthCode: code, Amount: amount, Subject: "可乐"})
			if err != nil || r.Status != pos.StatusSuccess {
				t.Fatalf("%s pay %s: %+v, %v", pc.p, no, r, err)
			}
			clk.Advance(3 * time.Minute)
		}
		refund := func(no, rno string, amount, total money.Fen) {
			t.Helper()
			r, err := pc.c.Refund(ctx, pos.RefundRequest{OutTradeNo: prefix + no, OutRefundNo: prefix + rno, Amount: amount, Total: total})
			if err != nil || r.Status != pos.StatusSuccess {
				t.Fatalf("%s refund %s: %+v, %v", pc.p, rno, r, err)
			}
			clk.Advance(3 * time.Minute)
		}
		for _, tt := range []struct {
			no     string
			amount money.Fen
		}{{"P1", 1}, {"P2", 83}, {"P3", 84}, {"P4", 250}, {"P5", 10000}, {"P6", 1999}, {"P7", 500}} {
			pay(tt.no, tt.amount)
		}
		refund("P5", "R1", 300, 10000) // partial
		refund("P4", "R2", 250, 250)   // full
		refund("P6", "R3", 999, 1999)
		if r, err := pc.c.Cancel(ctx, prefix+"P7"); err != nil || r.Status != pos.StatusClosed {
			t.Fatalf("%s cancel P7: %+v, %v", pc.p, r, err)
		}
	}
	clk.Set(billDay.Add(24*time.Hour - 2*time.Second))
	for _, p := range []pos.Provider{pos.Alipay, pos.Wechat} {
		c := map[pos.Provider]interface {
			Pay(context.Context, pos.PayRequest) (pos.ProviderResult, error)
		}{pos.Alipay: e.Alipay, pos.Wechat: e.Wechat}[p]
		if r, err := c.Pay(ctx, pos.PayRequest{OutTradeNo: string(p[:1]) + "LATE", AuthCode: e.Code(p, "u1"), Amount: 1234}); err != nil || r.Status != pos.StatusSuccess {
			t.Fatalf("%s pay at 23:59:58: %+v, %v", p, r, err)
		}
	}
	clk.Set(billDay.AddDate(0, 0, 1).Add(11 * time.Hour))
	return e
}

// download fetches the day's three bills.
func download(t *testing.T, e *settlementtest.Env) map[settlement.Channel][]byte {
	t.Helper()
	out := map[settlement.Channel][]byte{settlement.Acquirer: e.AcquirerBill(billDay)}
	var err error
	if out[settlement.Alipay], err = e.Alipay.DownloadBill(ctx, billDay); err != nil {
		t.Fatal(err)
	}
	if out[settlement.Wechat], err = e.Wechat.DownloadBill(ctx, billDay); err != nil {
		t.Fatal(err)
	}
	return out
}

var simFiles = map[settlement.Channel]string{settlement.Alipay: "sim_alipay.zip",
	settlement.Wechat: "sim_wechat.csv.gz", settlement.Acquirer: "sim_acquirer.csv"}

// TestSimulatorBills parses the simulator's bills of a full day and
// compares every row with the simulator's own ledger.
func TestSimulatorBills(t *testing.T) {
	e := simDay(t)
	bills := download(t, e)
	for _, ch := range settlement.Channels {
		b, err := settlement.Parse(ch, bills[ch])
		if err != nil {
			t.Fatalf("%s: %v", ch, err)
		}
		want := e.Rows(ch, billDay, billDay.AddDate(0, 0, 1))
		if len(want) < 10 {
			t.Fatalf("%s: the simulator booked only %d movements", ch, len(want))
		}
		if diff := cmp.Diff(want, b.Rows, cmpopts.IgnoreFields(settlement.Row{}, "Line")); diff != "" {
			t.Errorf("%s bill rows (-ledger +bill):\n%s", ch, diff)
		}
		if days := b.Days(); len(days) != 1 || !days[0].Equal(billDay) {
			t.Errorf("%s bill days %v, want %v", ch, days, billDay)
		}
		if *update {
			if err := os.WriteFile(filepath.Join("testdata", simFiles[ch]), bills[ch], 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestSimulatorFiles parses the kept simulator bills (the fuzz seeds), so
// a parser change that breaks them shows without the simulator.
func TestSimulatorFiles(t *testing.T) {
	for ch, name := range simFiles {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		b, err := settlement.Parse(ch, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var pays, refunds, reversals int
		for _, r := range b.Rows {
			switch r.Kind {
			case settlement.KindPayment:
				pays++
			case settlement.KindRefund:
				refunds++
			case settlement.KindReversal:
				reversals++
			}
		}
		wantPays := 7
		if ch != settlement.Acquirer {
			wantPays = 8 // and the one at 23:59:58
		}
		if pays != wantPays || refunds != 3 || reversals != 1 {
			t.Errorf("%s: %d payments, %d refunds, %d reversals; want %d, 3, 1", name, pays, refunds, reversals, wantPays)
		}
	}
}
