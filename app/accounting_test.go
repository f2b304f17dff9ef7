package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhanggui/app/ui"
	"zhanggui/pos"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/payments"
	"zhanggui/sync/settlement"
	"zhanggui/sync/settlement/settlementtest"
)

// TestAccountingDeps runs the screen's deps over the real reconcile
// service: the simulator's three bills (the acquirer's through the
// unionpay client), a charge the till never completed, progress by step,
// problems only for the days asked, the saved fee rate, the workbook, and
// a malformed bill file refused with its line.
func TestAccountingDeps(t *testing.T) {
	ctx := context.Background()
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, settlement.Beijing)
	clock := settlementtest.NewClock(day.Add(10 * time.Hour))
	env := settlementtest.New(t, t.TempDir(), clock)
	db := storagetest.NewDB(t)
	providers := map[pos.Provider]payments.Provider{pos.Alipay: env.Alipay, pos.Wechat: env.Wechat,
		pos.UnionPay: env.Acquirer, pos.ECNY: env.Acquirer}
	for i, p := range []pos.Provider{pos.Alipay, pos.Wechat, pos.UnionPay} {
		r, err := providers[p].Pay(ctx, pos.PayRequest{OutTradeNo: "zgacct000000000000000000000000" + string(rune('a'+i)),
			AuthCode: env.Code(p, "u"), Amount: 1000, Subject: "掌柜"})
		if err != nil || r.Status != pos.StatusSuccess {
			t.Fatalf("%s: %+v, %v", p, r, err)
		}
	}
	mustAcct(t, db.SaveFeeRates(ctx, map[string]int64{"acquirer": 38}))
	clock.Set(day.Add(35 * time.Hour)) // 11:00 the next day
	d := newAccountingDeps(db, billSources(providers))
	a := d.Reconcile
	var steps [][2]int
	res, err := a(ctx, day, day, "zh", func(n, total int) { steps = append(steps, [2]int{n, total}) })
	mustAcct(t, err)
	if len(steps) != 4 || steps[3] != [2]int{4, 4} {
		t.Errorf("progress %v, want 4 steps: 3 days fetched (day, before, after), 1 reconciled", steps)
	}
	if len(res.Problems) != 0 || len(res.Channels) != 3 || len(res.Differences) != 3 {
		t.Fatalf("result: %d problems %v, %d channels, differences %+v; want none, 3, 3 (charged, no sale)",
			len(res.Problems), res.Problems, len(res.Channels), res.Differences)
	}
	for _, c := range res.Channels {
		if !c.HaveBill || c.Gross != 1000 || c.Payments != 1 || c.Open != 1 {
			t.Errorf("channel %+v: want its bill, one ¥10 payment, one open difference", c)
		}
	}
	if got := res.Channels[2].FeeRateBP; got != 38 {
		t.Errorf("acquirer rate %d bp, want the saved 38", got)
	}
	if it := res.Differences[0]; it.Status != "渠道已扣款，收银机无订单" || !it.Urgent || it.Channel != "支付宝" {
		t.Errorf("first difference %+v", it)
	}
	rates, err := d.FeeRates(ctx)
	if err != nil || rates["alipay"] != 60 || rates["acquirer"] != 38 {
		t.Errorf("rates %v, %v; want the default 60 and the saved 38", rates, err)
	}

	note, err := d.Resolve(ctx, res.Differences[0].Key, "会计", "已退款")
	mustAcct(t, err)
	again, err := d.Stored(ctx, day, day, "en")
	mustAcct(t, err)
	if again.Days != 1 || again.Differences[2].Resolution == nil || again.Differences[2].Resolution.At != note.At ||
		again.Channels[0].Name != "Alipay" {
		t.Errorf("stored after resolving: %+v", again)
	}

	out := filepath.Join(t.TempDir(), "对账.xlsx")
	mustAcct(t, d.Export(out, day, day, "zh"))
	f, err := excelize.OpenFile(out)
	mustAcct(t, err)
	if sheets := f.GetSheetList(); len(sheets) < 3 {
		t.Errorf("workbook sheets %v", sheets)
	}
	f.Close()

	bad := filepath.Join(t.TempDir(), "bad.csv")
	mustAcct(t, os.WriteFile(bad, []byte("交易时间,交易类型,钱包,商户订单号,退款单号,收单流水号,交易金额(元),手续费(元)\n"+
		"2026-11-25 10:00:00,消费,UNIONPAY,X1,,T1,abc,0.01\n"), 0o600))
	_, err = d.ImportBill(ctx, "acquirer", bad, day)
	var fe *ui.BillFileError
	if !errors.As(err, &fe) || len(fe.Lines) != 1 || fe.Lines[0][:len("第 2 行")] != "第 2 行" {
		t.Errorf("bad bill: %v, want a BillFileError naming line 2", err)
	}
}

func mustAcct(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
