package pos_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

var (
	shanghai = time.FixedZone("CST", 8*3600)
	repDay   = time.Date(2026, 11, 25, 0, 0, 0, 0, shanghai)
	rCola    = pos.Product{ID: 1, Barcode: "6901234567892", Name: "可口可乐 330ml", Category: "饮料", Unit: "瓶", Price: 300, Active: true}
	rChips   = pos.Product{ID: 2, Barcode: "6902345678903", Name: "乐事薯片 70g", Category: "零食", Unit: "袋", Price: 750, Active: true}
	rApple   = pos.Product{ID: 3, Barcode: "2000001000007", Name: "红富士苹果", Category: "生鲜", Unit: "kg", Price: 1290, ByWeight: true, Active: true}
)

type item struct {
	p   pos.Product
	qty pos.Qty
}

// ringUp checks out items at shop-local hh:mm of repDay (offset in days).
func ringUp(t *testing.T, id string, days, hh, mm int, cashier string, discount string, rule pos.RoundingRule,
	items []item, tenders func(due money.Fen) []pos.Tender) *pos.Sale {
	t.Helper()
	var c pos.Cart
	for _, it := range items {
		must(t, c.Add(it.p, it.qty))
	}
	d, err := pos.ParseDiscount(discount)
	must(t, err)
	must(t, c.SetDiscount(d))
	due, rounding := c.Due(rule, rule != pos.RoundNone)
	s, err := c.Checkout(pos.Checkout{ID: id, No: "no-" + id, EntryID: "e-" + id, Cashier: cashier,
		At:       repDay.AddDate(0, 0, days).Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute),
		Rounding: rounding, Tenders: tenders(due)})
	must(t, err)
	return s
}

func cash(due money.Fen) []pos.Tender { return []pos.Tender{{Kind: pos.TenderCash, Amount: due}} }

func alipay(due money.Fen) []pos.Tender {
	return []pos.Tender{{Kind: pos.TenderAlipay, Amount: due, PaymentID: "p"}}
}

// sampleDay is a day: three sales, one with a discount and 抹零, one
// split; a refund of the day's sale and one of yesterday's.
func sampleDay(t *testing.T) pos.SalesReport {
	t.Helper()
	// 2×3.00 + 0.356 kg × 12.90 (4.59) = 10.59, 抹零 0.09 → 10.50 cash
	s1 := ringUp(t, "s1", 0, 9, 15, "收银员", "", pos.RoundJiao, []item{{rCola, 2000}, {rApple, 356}}, cash)
	// 2×7.50 = 15.00, 10% off → 13.50 by Alipay
	s2 := ringUp(t, "s2", 0, 9, 40, "店主", "10%", pos.RoundNone, []item{{rChips, 2000}}, alipay)
	// 3.00, 1.00 cash + 2.00 WeChat Pay
	s3 := ringUp(t, "s3", 0, 14, 5, "收银员", "", pos.RoundNone, []item{{rCola, 1000}}, func(money.Fen) []pos.Tender {
		return []pos.Tender{{Kind: pos.TenderCash, Amount: 100}, {Kind: pos.TenderWechat, Amount: 200, PaymentID: "w"}}
	})
	// yesterday: a cola and chips, 10.50 by Alipay; 4.20 of it refunded today
	s0 := ringUp(t, "s0", -1, 20, 0, "店主", "", pos.RoundNone, []item{{rCola, 1000}, {rChips, 1000}}, alipay)

	b := pos.NewReportBuilder(repDay, repDay.AddDate(0, 0, 1), shanghai)
	for _, s := range []*pos.Sale{s1, s2, s3} {
		b.AddSale(s)
	}
	r2, err := pos.NewRefund(s2, 0, 500, nil, "r2", "", repDay.Add(15*time.Hour))
	must(t, err)
	b.AddRefund(r2, s2)
	r0, err := pos.NewRefund(s0, 0, 420, nil, "r0", "", repDay.Add(16*time.Hour+30*time.Minute))
	must(t, err)
	b.AddRefund(r0, s0)
	return b.Report()
}

func TestSalesReportTotals(t *testing.T) {
	r := sampleDay(t)
	want := pos.ReportRow{Count: 3, Gross: 600 + 459 + 1500 + 300, Discount: 9 + 150, RefundCount: 2, Refunds: 920}
	if diff := cmp.Diff(want, r.Total); diff != "" {
		t.Errorf("total (-want +got):\n%s", diff)
	}
	if r.Total.Takings() != 1050+1350+300 || r.Total.Net() != 2700-920 {
		t.Errorf("takings %v, net %v", r.Total.Takings(), r.Total.Net())
	}
	// Every grouping adds up to the same takings, refunds and net.
	for _, d := range pos.ReportDims {
		sum := pos.Sum(r.Rows(d))
		if sum.Takings() != r.Total.Takings() || sum.Refunds != r.Total.Refunds || sum.Net() != r.Total.Net() {
			t.Errorf("%s: takings %v refunds %v net %v, total %v %v %v", d, sum.Takings(), sum.Refunds, sum.Net(),
				r.Total.Takings(), r.Total.Refunds, r.Total.Net())
		}
		if d.SplitsDiscount() && (sum.Gross != r.Total.Gross || sum.Discount != r.Total.Discount) {
			t.Errorf("%s: gross %v discount %v, total %v %v", d, sum.Gross, sum.Discount, r.Total.Gross, r.Total.Discount)
		}
	}
}

func TestSalesReportGroups(t *testing.T) {
	r := sampleDay(t)
	keys := func(rows []pos.ReportRow) []string {
		var out []string
		for _, x := range rows {
			out = append(out, x.Key)
		}
		return out
	}
	// Hours run from the first to the last active one, refunds' included.
	if got, want := keys(r.Hours), []string{"09", "10", "11", "12", "13", "14", "15", "16"}; !slices.Equal(got, want) {
		t.Errorf("hours %v, want %v", got, want)
	}
	if h := r.Hours[0]; h.Count != 2 || h.Gross != 2559 || h.Discount != 159 {
		t.Errorf("09:00 %+v", h)
	}
	if h := r.Hours[7]; h.Count != 0 || h.Refunds != 420 || h.RefundCount != 1 {
		t.Errorf("16:00 %+v", h)
	}
	if got, want := keys(r.Channels), []string{"cash", "alipay", "wechat"}; !slices.Equal(got, want) {
		t.Errorf("channels %v, want %v", got, want)
	}
	if c := r.Channels[1]; c.Count != 1 || c.Gross != 1350 || c.Refunds != 920 || c.Net() != 430 {
		t.Errorf("alipay %+v", c)
	}
	if c := r.Channels[0]; c.Count != 2 || c.Takings() != 1150 {
		t.Errorf("cash %+v", c)
	}
	// Cashiers by net: 收银员 13.50 against 店主 13.50 − 9.20.
	if got, want := keys(r.Cashiers), []string{"收银员", "店主"}; !slices.Equal(got, want) {
		t.Errorf("cashiers %v, want %v", got, want)
	}
}

func TestSalesReportProductsSpreadRoundingAndRefunds(t *testing.T) {
	r := sampleDay(t)
	byKey := map[string]pos.ReportRow{}
	for _, p := range r.Products {
		byKey[p.Key] = p
	}
	cola, apple, chips := byKey[rCola.Barcode], byKey[rApple.Barcode], byKey[rChips.Barcode]
	// 抹零 0.09 over cola 6.00 and apple 4.59: 5 and 3 rounded down, the
	// fen left to the first line.
	if cola.Qty != 3000 || cola.Count != 2 || cola.Gross != 900 || cola.Discount != 6 || cola.Name != rCola.Name {
		t.Errorf("cola %+v", cola)
	}
	if apple.Qty != 356 || apple.Discount != 3 || apple.Unit != "kg" {
		t.Errorf("apple %+v", apple)
	}
	// Chips: today's 5.00 refund, and 7.50/10.50 of yesterday's 4.20 (3.00).
	if chips.Refunds != 500+300 || chips.RefundCount != 2 || chips.Qty != 2000 {
		t.Errorf("chips %+v", chips)
	}
	if cola.Refunds != 120 {
		t.Errorf("cola refunds %v", cola.Refunds)
	}
	if r.Categories[0].Key != "饮料" {
		t.Errorf("categories by net: %+v", r.Categories)
	}
}

func TestTopN(t *testing.T) {
	var rows []pos.ReportRow
	for i := range 5 {
		rows = append(rows, pos.ReportRow{Key: fmt.Sprint(i), Count: 1, Qty: 1000, Gross: money.Fen(100 * (5 - i))})
	}
	if got := pos.TopN(rows, 5, "other"); len(got) != 5 {
		t.Errorf("TopN of 5 rows to 5 = %d rows", len(got))
	}
	got := pos.TopN(rows, 3, "other")
	want := []pos.ReportRow{rows[0], rows[1], {Key: "other", Name: "other", Count: 3, Gross: 300 + 200 + 100}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TopN (-want +got):\n%s", diff)
	}
	if rows[2].Key != "2" {
		t.Error("TopN changed its input")
	}
	if pos.ByChannel.SplitsDiscount() || !pos.ByProduct.SplitsDiscount() {
		t.Error("SplitsDiscount")
	}
}

func TestSalesReportEmptyAndGiveaway(t *testing.T) {
	b := pos.NewReportBuilder(repDay, repDay.AddDate(0, 0, 1), shanghai)
	if r := b.Report(); len(r.Hours) != 0 || r.Total != (pos.ReportRow{}) || len(r.Rows(pos.ByProduct)) != 0 {
		t.Errorf("empty report %+v", r)
	}
	// A sale given away (100% off) has no line to weigh anything by.
	s := ringUp(t, "g", 0, 10, 0, "店主", "100%", pos.RoundNone, []item{{rCola, 1000}}, func(money.Fen) []pos.Tender { return nil })
	b.AddSale(s)
	r := b.Report()
	if r.Total.Takings() != 0 || r.Products[0].Discount != 300 {
		t.Errorf("give-away %+v", r.Total)
	}
}
