package reconcile_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/sync/providersim"
	"zhanggui/sync/settlement/reconcile"
)

// TestCouponOrders pays two WeChat orders in part with coupons — a
// merchant-funded 免充值券 and a pre-funded 充值券 — refunds half of the
// first, and reconciles the simulator's bill: every item matches the
// till's amount, shows its coupon, and the day's settlement lacks the
// 免充值券 part on the bill's side and the till's alike, through storage
// and into the workbook.
func TestCouponOrders(t *testing.T) {
	s := newShop(t)
	s.pay("W1", pos.Wechat, 1000, at(0, 10, 0, 0), true)
	s.pay("W2", pos.Wechat, 1000, at(0, 10, 5, 0), true)
	for name, c := range map[string]providersim.WechatCoupon{"W1": {Amount: 200, NoRecharge: true}, "W2": {Amount: 300}} {
		if err := s.env.Sim.SetWechatCoupon(s.ids[name], c); err != nil {
			t.Fatal(err)
		}
	}
	s.refund("RW1", "W1", 500, at(0, 14, 0, 0)) // 1.00 of it goes back to the coupon, not from the merchant
	_, out := s.run(at(1, 10, 30, 0), "--date", "2026-11-25")
	if !strings.Contains(out, "免充值券（不结算） ¥1.00  预计结算 ¥13.91") {
		t.Errorf("the command's output does not show the coupon in the WeChat settlement:\n%s", out)
	}
	d := s.stored(day)

	type shown struct {
		Name, Status                  string
		Bill, Till, Coupon, Unsettled int64
		Fee, Expected                 int64
	}
	var got []shown
	for _, it := range d.Items {
		if it.Channel == "wechat" {
			id := it.OutTradeNo + it.OutRefundNo
			name := map[string]string{s.ids["W1"]: "W1", s.ids["W2"]: "W2", s.ids["W1"] + s.ids["RW1"]: "RW1"}[id]
			got = append(got, shown{name, it.Status, int64(it.BillAmount), int64(it.TillAmount), int64(it.BillCoupon),
				int64(it.BillUnsettled), int64(it.BillFee), int64(it.ExpectedFee)})
		}
	}
	want := []shown{{"W1", "matched", 1000, 1000, 200, 200, 5, 5}, {"W2", "matched", 1000, 1000, 300, 0, 6, 6},
		{"RW1", "matched", 500, 500, 100, 100, -2, -2}}
	if len(got) != len(want) {
		t.Fatalf("wechat items %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("item %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	checkCouponDay(t, d)
	checkCouponWorkbook(t, d, s.ids["W1"])
}

// checkCouponDay checks the WeChat channel's figures: 20.00 taken, 5.00
// refunded, 1.00 of 免充值券 not settled, 0.09 of fees: 13.91 either way.
func checkCouponDay(t *testing.T, d storage.ReconDay) {
	t.Helper()
	for _, c := range d.Channels {
		if c.Channel != "wechat" {
			continue
		}
		bill := c.Gross - c.Refunded - c.Unsettled - (c.FeesCharged - c.FeesReturned)
		till := c.TillGross - c.TillRefunded - c.Unsettled - c.ExpectedFees
		if c.Unsettled != 100 || bill != 1391 || till != 1391 || c.Differences != 0 {
			t.Errorf("wechat: unsettled %v, settlement %v, the till's %v, %d differences; want 1.00, 13.91, 13.91, 0",
				c.Unsettled, bill, till, c.Differences)
		}
		return
	}
	t.Error("no wechat channel in the day")
}

// checkCouponWorkbook exports the day and finds the 免充值券 order's row
// on 明细 with its order amount, settled amount and coupon.
func checkCouponWorkbook(t *testing.T, d storage.ReconDay, outTradeNo string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "对账.xlsx")
	if err := reconcile.Export(path, []storage.ReconDay{d}, "zh"); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("明细")
	if err != nil {
		t.Fatal(err)
	}
	head := rows[0]
	if head[8] != "订单金额" || head[9] != "应结金额" || head[10] != "代金券" {
		t.Fatalf("明细 header %q: want 订单金额, 应结金额, 代金券 from column I", head)
	}
	for _, r := range rows[1:] {
		if r[3] == outTradeNo && r[4] == "" {
			if r[8] != "¥10.00" || r[9] != "¥8.00" || r[10] != "¥2.00" {
				t.Errorf("明细 row of the 免充值券 order %q: want ¥10.00, ¥8.00, ¥2.00", r)
			}
			return
		}
	}
	t.Errorf("明细 has no row of %s", outTradeNo)
}
