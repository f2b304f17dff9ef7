package settlement_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/sync/settlement"
)

// day is the day reconciled in these tests; hm gives a time on it, and
// hmOn a time on the day off days away.
var day = time.Date(2026, 11, 25, 0, 0, 0, 0, settlement.Beijing)

func hm(h, m, s int) time.Time { return hmOn(0, h, m, s) }

func hmOn(off, h, m, s int) time.Time {
	return day.AddDate(0, 0, off).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second)
}

func pay(no string, amount, fee money.Fen, at time.Time) settlement.Row {
	return settlement.Row{Line: 1, Provider: pos.Alipay, Kind: settlement.KindPayment, OutTradeNo: no, TradeNo: "T" + no,
		Amount: amount, Fee: fee, At: at}
}

func refund(no, rno string, amount, fee money.Fen, at time.Time) settlement.Row {
	return settlement.Row{Line: 1, Provider: pos.Alipay, Kind: settlement.KindRefund, OutTradeNo: no, TradeNo: "T" + no,
		OutRefundNo: rno, Amount: amount, Fee: fee, At: at}
}

func reversal(no string, amount, fee money.Fen, at time.Time) settlement.Row {
	r := pay(no, amount, fee, at)
	r.Kind = settlement.KindReversal
	return r
}

// sold is a payment a completed sale uses.
func sold(no string, amount money.Fen, at time.Time) settlement.TillPayment {
	return settlement.TillPayment{ID: no, Provider: pos.Alipay, Amount: amount, State: pos.PaySucceeded, At: at, SaleNo: "S-" + no}
}

func tillRefund(rno, no string, amount money.Fen, state pos.RefundState, at time.Time) settlement.TillRefund {
	return settlement.TillRefund{ID: rno, PaymentID: no, SaleNo: "S-" + no, Amount: amount, State: state, At: at}
}

// outcome is an item's identity and status, what the cases check.
type outcome struct {
	Kind     settlement.Kind
	ID       string
	Status   settlement.Status
	Expected money.Fen
}

var all3 = [3]bool{true, true, true}

var reconcileCases = []struct {
	name     string
	bill     []settlement.Row
	have     [3]bool
	payments []settlement.TillPayment
	refunds  []settlement.TillRefund
	want     []outcome
}{
	{name: "matched, fees rounded half up", have: all3,
		bill: []settlement.Row{pay("P1", 84, 1, hm(10, 0, 0)), pay("P2", 83, 0, hm(10, 1, 0)), pay("P3", 250, 2, hm(10, 2, 0)),
			pay("LATE", 1234, 7, hm(23, 59, 58))},
		payments: []settlement.TillPayment{sold("P1", 84, hm(10, 0, 0)), sold("P2", 83, hm(10, 1, 0)),
			sold("P3", 250, hm(10, 2, 0)), sold("LATE", 1234, hm(23, 59, 58))},
		want: []outcome{{settlement.KindPayment, "P1", settlement.Matched, 1}, {settlement.KindPayment, "P2", settlement.Matched, 0},
			{settlement.KindPayment, "P3", settlement.Matched, 2}, {settlement.KindPayment, "LATE", settlement.Matched, 7}}},
	{name: "amount and fee differ", have: all3,
		bill:     []settlement.Row{pay("P1", 1000, 6, hm(10, 0, 0)), pay("P2", 1000, 7, hm(11, 0, 0))},
		payments: []settlement.TillPayment{sold("P1", 999, hm(10, 0, 0)), sold("P2", 1000, hm(11, 0, 0))},
		want: []outcome{{settlement.KindPayment, "P1", settlement.AmountMismatch, 6},
			{settlement.KindPayment, "P2", settlement.FeeMismatch, 6}}},
	{name: "charged without a sale", have: all3,
		bill: []settlement.Row{pay("P1", 1000, 6, hm(10, 0, 0)), pay("P2", 500, 3, hm(11, 0, 0))},
		payments: []settlement.TillPayment{{ID: "P1", Provider: pos.Alipay, Amount: 1000, State: pos.PaySucceeded,
			At: hm(10, 0, 0)}},
		want: []outcome{{settlement.KindPayment, "P1", settlement.OnlyProvider, 6},
			{settlement.KindPayment, "P2", settlement.OnlyProvider, 3}}},
	{name: "reversed: net zero, unless the till sold it", have: all3,
		bill: []settlement.Row{pay("P1", 500, 3, hm(10, 0, 0)), reversal("P1", 500, -3, hm(10, 0, 40)),
			pay("P2", 800, 5, hm(11, 0, 0)), reversal("P2", 800, -5, hm(11, 1, 0))},
		payments: []settlement.TillPayment{{ID: "P1", Provider: pos.Alipay, Amount: 500, State: pos.PayReversed, At: hm(10, 0, 0)},
			sold("P2", 800, hm(11, 0, 0))},
		want: []outcome{{settlement.KindPayment, "P1", settlement.Reversed, 3}, {settlement.KindReversal, "P1", settlement.Reversed, -3},
			{settlement.KindPayment, "P2", settlement.Matched, 5}, {settlement.KindReversal, "P2", settlement.ReversedAtProvider, -5}}},
	{name: "a late success refunded automatically: no difference", have: all3,
		bill:     []settlement.Row{pay("P1", 500, 3, hm(10, 0, 0)), refund("P1", pos.LateRefundNo("P1"), 500, -3, hm(10, 2, 0))},
		payments: []settlement.TillPayment{{ID: "P1", Provider: pos.Alipay, Amount: 500, State: pos.PayRefunded, At: hm(10, 0, 0)}},
		refunds: []settlement.TillRefund{{ID: pos.LateRefundNo("P1"), PaymentID: "P1", Amount: 500, State: pos.RefundDone,
			At: hm(10, 0, 0)}},
		want: []outcome{{settlement.KindPayment, "P1", settlement.Reversed, 3},
			{settlement.KindRefund, pos.LateRefundNo("P1"), settlement.Matched, -3}}},
	{name: "sold in the till, not settled", have: all3,
		payments: []settlement.TillPayment{sold("P1", 1000, hm(10, 0, 0)),
			{ID: "P2", Provider: pos.Alipay, Amount: 300, State: pos.PayFailed, At: hm(10, 5, 0)}}, // failed: not expected
		want: []outcome{{settlement.KindPayment, "P1", settlement.OnlyTill, 0}}},
	{name: "across midnight: the till's 23:59:59 is on the next day's bill", have: all3,
		bill:     []settlement.Row{pay("P1", 1000, 6, hmOn(1, 0, 0, 1))},
		payments: []settlement.TillPayment{sold("P1", 1000, hm(23, 59, 59))},
		want:     []outcome{{settlement.KindPayment, "P1", settlement.CrossDay, 6}}},
	{name: "across midnight: the next day's bill is not in yet", have: [3]bool{true, true, false},
		payments: []settlement.TillPayment{sold("P1", 1000, hm(23, 59, 59)), sold("P2", 1000, hm(23, 40, 0))},
		want: []outcome{{settlement.KindPayment, "P2", settlement.OnlyTill, 0},
			{settlement.KindPayment, "P1", settlement.AwaitingBill, 0}}},
	{name: "across midnight: yesterday's sale on today's bill", have: all3,
		bill:     []settlement.Row{pay("P1", 1000, 6, hm(0, 0, 1))},
		payments: []settlement.TillPayment{sold("P1", 1000, hmOn(-1, 23, 59, 59))},
		want:     []outcome{{settlement.KindPayment, "P1", settlement.CrossDay, 6}}},
	{name: "no bill for the day", have: [3]bool{true, false, true},
		payments: []settlement.TillPayment{sold("P1", 1000, hm(10, 0, 0))},
		want:     []outcome{{settlement.KindPayment, "P1", settlement.NoBill, 0}}},
	{name: "refunds: partial, then the rest with the fee left", have: all3,
		bill:     []settlement.Row{refund("P1", "R1", 300, -2, hm(10, 0, 0)), refund("P1", "R2", 700, -4, hm(11, 0, 0))},
		payments: []settlement.TillPayment{sold("P1", 1000, hmOn(-3, 9, 0, 0))},
		refunds: []settlement.TillRefund{tillRefund("R1", "P1", 300, pos.RefundDone, hm(10, 0, 0)),
			tillRefund("R2", "P1", 700, pos.RefundDone, hm(11, 0, 0))},
		want: []outcome{{settlement.KindRefund, "R1", settlement.Matched, -2}, {settlement.KindRefund, "R2", settlement.Matched, -4}}},
	{name: "refund differences", have: all3,
		bill: []settlement.Row{refund("P1", "R1", 300, -2, hm(10, 0, 0)), refund("P1", "R2", 100, -1, hm(11, 0, 0)),
			refund("P1", "R3", 100, -1, hm(12, 0, 0)), refund("P2", "R5", 100, -1, hm(13, 0, 0))},
		payments: []settlement.TillPayment{sold("P1", 1000, hmOn(-3, 9, 0, 0)), sold("P2", 1000, hmOn(-3, 9, 0, 0))},
		refunds: []settlement.TillRefund{tillRefund("R1", "P1", 200, pos.RefundDone, hm(10, 0, 0)),
			tillRefund("R2", "P1", 100, pos.RefundPending, hm(11, 0, 0)),
			tillRefund("R4", "P2", 100, pos.RefundDone, hm(14, 0, 0)),
			tillRefund("R6", "P2", 100, pos.RefundPending, hm(15, 0, 0))}, // pending, not at the provider: the sweeper's
		want: []outcome{{settlement.KindRefund, "R1", settlement.RefundMismatch, -1},
			{settlement.KindRefund, "R2", settlement.RefundPending, -1},
			{settlement.KindRefund, "R3", settlement.RefundOnlyProvider, -1},
			{settlement.KindRefund, "R5", settlement.RefundOnlyProvider, -1},
			{settlement.KindRefund, "R4", settlement.RefundOnlyTill, -1}}},
	{name: "twice on the bill", have: all3,
		bill:     []settlement.Row{pay("P1", 1000, 6, hm(10, 0, 0)), pay("P1", 1000, 6, hm(10, 0, 5))},
		payments: []settlement.TillPayment{sold("P1", 1000, hm(10, 0, 0))},
		want:     []outcome{{settlement.KindPayment, "P1", settlement.Matched, 6}, {settlement.KindPayment, "P1", settlement.Duplicate, 0}}},
}

func TestReconcile(t *testing.T) {
	for _, tt := range reconcileCases {
		t.Run(tt.name, func(t *testing.T) {
			res := settlement.Reconcile(settlement.Input{Channel: settlement.Alipay, Day: day.Add(time.Hour), Bill: tt.bill,
				HaveBill: tt.have, Payments: tt.payments, Refunds: tt.refunds}, settlement.Config{})
			var got []outcome
			diffs := 0
			for _, it := range res.Items {
				id := it.OutTradeNo
				if it.Kind == settlement.KindRefund {
					id = it.OutRefundNo
				}
				got = append(got, outcome{it.Kind, id, it.Status, it.ExpectedFee})
				if it.Status.Difference() {
					diffs++
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("items (-want +got):\n%s", diff)
			}
			if res.Summary.Differences != diffs {
				t.Errorf("summary counts %d differences, the items %d", res.Summary.Differences, diffs)
			}
		})
	}
}

func TestSummary(t *testing.T) {
	tt := reconcileCases[3] // reversals
	bill := append(tt.bill, refund("P9", "R9", 100, -1, hm(12, 0, 0)))
	res := settlement.Reconcile(settlement.Input{Channel: settlement.Alipay, Day: day, Bill: bill, HaveBill: all3,
		Payments: append(tt.payments, sold("P9", 1000, hm(9, 0, 0))),
		Refunds:  []settlement.TillRefund{tillRefund("R9", "P9", 100, pos.RefundDone, hm(12, 0, 0))}}, settlement.Config{})
	s := res.Summary
	want := settlement.Summary{Channel: settlement.Alipay, Day: day, HaveBill: true, FeeRateBP: 60,
		Payments: 2, Refunds: 3, Gross: 1300, Refunded: 1400, FeesCharged: 8, FeesReturned: 9,
		TillPayments: 2, TillRefunds: 1, TillGross: 1800, TillRefunded: 100, ExpectedFees: 5 + 6 - 1,
		Differences: 2, Urgent: 0}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if got := s.Settlement(); got != 1300-1400-(8-9) {
		t.Errorf("Settlement() = %v", got)
	}
	if got := s.TillSettlement(); got != 1800-100-10 {
		t.Errorf("TillSettlement() = %v", got)
	}
}

func TestKeysAreStable(t *testing.T) {
	it := settlement.Item{Kind: settlement.KindRefund, OutTradeNo: "P1", OutRefundNo: "R1", Status: settlement.RefundOnlyTill}
	if got, want := it.Key(settlement.Wechat), "wechat:refund:R1:refund_only_till"; got != want {
		t.Errorf("Key() = %q, want %q", got, want)
	}
	for s := settlement.Matched; s <= settlement.Duplicate; s++ {
		if got, err := settlement.ParseStatus(s.String()); err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %v, %v", s, got, err)
		}
		if s.Difference() && (s.Action("zh") == "" || s.Action("en") == "" || s.Label("en") == "") {
			t.Errorf("status %s lacks a label or an action", s)
		}
	}
}

func TestFeeRateConfig(t *testing.T) {
	res := settlement.Reconcile(settlement.Input{Channel: settlement.Wechat, Day: day, HaveBill: all3,
		Bill:     []settlement.Row{pay("P1", 10000, 60, hm(10, 0, 0))},
		Payments: []settlement.TillPayment{sold("P1", 10000, hm(10, 0, 0))}},
		settlement.Config{FeeRateBP: map[settlement.Channel]int64{settlement.Wechat: 38}})
	if it := res.Items[0]; it.Status != settlement.FeeMismatch || it.ExpectedFee != 38 {
		t.Errorf("a 0.6%% fee against a 0.38%% contract: %s expecting %v", it.Status, it.ExpectedFee)
	}
}

// TestReconcileCoupons reconciles parsed coupon orders: the till's
// amounts match the orders' (not 应结订单金额), the fees expected are on
// the settled amounts, each item shows its coupon, and the settlement
// lacks the 免充值券 part on both sides.
func TestReconcileCoupons(t *testing.T) {
	b, err := settlement.ParseWechat(wechatCoupons)
	if err != nil {
		t.Fatal(err)
	}
	wx := func(p settlement.TillPayment) settlement.TillPayment { p.Provider = pos.Wechat; return p }
	res := settlement.Reconcile(settlement.Input{Channel: settlement.Wechat, Day: at("12:00:00"), Bill: b.Rows,
		HaveBill: all3, Payments: []settlement.TillPayment{wx(sold("C1", 1000, at("10:00:00"))), wx(sold("C2", 1000, at("10:10:00")))},
		Refunds: []settlement.TillRefund{tillRefund("WR1", "C1", 500, pos.RefundDone, at("10:20:00")),
			tillRefund("WR2", "C2", 500, pos.RefundDone, at("10:30:00"))}}, settlement.Config{})
	type shown struct {
		ID                      string
		Status                  settlement.Status
		Expected                money.Fen
		Bill, Coupon, Unsettled money.Fen
	}
	var got []shown
	for _, it := range res.Items {
		got = append(got, shown{it.OutTradeNo + it.OutRefundNo, it.Status, it.ExpectedFee, it.BillAmount, it.BillCoupon, it.BillUnsettled})
	}
	want := []shown{{"C1", settlement.Matched, 5, 1000, 200, 200}, {"C2", settlement.Matched, 6, 1000, 300, 0},
		{"C1WR1", settlement.Matched, -2, 500, 100, 100}, {"C2WR2", settlement.Matched, -3, 500, 150, 0}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	s := res.Summary
	// 应结订单总金额 18.00 − 退款总金额 9.00 − 手续费总金额 0.06, as the bill's summary says.
	if s.Unsettled != 100 || s.Settlement() != 894 || s.TillSettlement() != 894 || s.Differences != 0 {
		t.Errorf("unsettled %v, settlement %v, the till's %v, %d differences; want 1.00, 8.94, 8.94, 0",
			s.Unsettled, s.Settlement(), s.TillSettlement(), s.Differences)
	}
}
