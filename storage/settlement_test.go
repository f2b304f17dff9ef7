package storage_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

var cst = time.FixedZone("CST", 8*3600)

func billOf(day time.Time, sha string, rows ...storage.BillRow) storage.Bill {
	return storage.Bill{Channel: "alipay", Day: day, Source: "download", SHA256: strings.Repeat(sha, 64), Rows: rows}
}

func TestBills(t *testing.T) {
	db := storagetest.NewDB(t)
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, cst)
	r1 := storage.BillRow{Line: 6, Provider: "alipay", Kind: "payment", OutTradeNo: "P1", TradeNo: "T1", Amount: 1000,
		Fee: 6, At: day.Add(10 * time.Hour).UTC()}
	r2 := storage.BillRow{Line: 7, Provider: "alipay", Kind: "refund", OutTradeNo: "P1", TradeNo: "T1", OutRefundNo: "R1",
		Amount: 300, Fee: -2, At: day.Add(11 * time.Hour).UTC(), Coupon: 50, Unsettled: 20}
	id, added, err := db.SaveBill(ctx, billOf(day, "a", r1))
	must(t, err)
	if again, added2, err := db.SaveBill(ctx, billOf(day, "a", r1)); err != nil || again != id || !added || added2 {
		t.Errorf("the same file twice: ids %d, %d; added %v, %v; %v", id, again, added, added2, err)
	}
	id2, _, err := db.SaveBill(ctx, billOf(day, "b", r1, r2)) // a corrected bill of the same day
	must(t, err)
	got, err := db.LatestBill(ctx, "alipay", day)
	must(t, err)
	if got.ID != id2 || got.Day.Format("2006-01-02") != "2026-11-25" {
		t.Errorf("latest bill %d of %v, want %d", got.ID, got.Day, id2)
	}
	if diff := cmp.Diff([]storage.BillRow{r1, r2}, got.Rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
	if _, err := db.LatestBill(ctx, "wechat", day); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("no wechat bill: %v, want ErrNotFound", err)
	}
	raw := rawDB(t, db.Path())
	for _, stmt := range []string{`UPDATE bill_rows SET amount_fen = 1`, `DELETE FROM bills`} {
		if _, err := raw.Exec(stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want an append-only error", stmt, err)
		}
	}
}

// TestTillReads saves a split sale paid partly by Alipay, a refund of it
// and a payment attempt, and reads them back the ways reconciliation does.
func TestTillReads(t *testing.T) {
	db := storagetest.NewDB(t)
	ps := storagetest.Seed(t, db, 2)
	s, err := storagetest.SplitSale("s1", "01-01-20261125-0001", at, ps...)
	must(t, err)
	must(t, db.SaveSale(ctx, s))
	p, err := pos.NewPayment("pays1", "s1", pos.Alipay, pos.ModeCode, s.Tenders[0].Amount, at.Add(-time.Second))
	must(t, err)
	p.State = pos.PaySucceeded
	must(t, db.SavePayment(ctx, p))
	r, err := pos.NewRefund(s, 0, 100, nil, "r1", "退货", at.Add(time.Hour))
	must(t, err)
	must(t, db.SaveRefund(ctx, r, nil))

	from, to := at.Add(-time.Hour), at.Add(2*time.Hour)
	if got, err := db.PaymentsBetween(ctx, from, to); err != nil || len(got) != 1 || got[0].ID != "pays1" {
		t.Errorf("PaymentsBetween = %v, %v", got, err)
	}
	if got, err := db.PaymentsBetween(ctx, at, to); err != nil || len(got) != 0 {
		t.Errorf("PaymentsBetween after its creation = %v, %v", got, err)
	}
	if got, err := db.PaymentsByID(ctx, []string{"pays1", "nope"}); err != nil || len(got) != 1 {
		t.Errorf("PaymentsByID = %v, %v", got, err)
	}
	for name, f := range map[string]func() ([]pos.Refund, error){
		"RefundsBetween":    func() ([]pos.Refund, error) { return db.RefundsBetween(ctx, from, to) },
		"RefundsByID":       func() ([]pos.Refund, error) { return db.RefundsByID(ctx, []string{"r1"}) },
		"RefundsOfPayments": func() ([]pos.Refund, error) { return db.RefundsOfPayments(ctx, []string{"pay-s1"}) },
	} {
		if got, err := f(); err != nil || len(got) != 1 || got[0].ID != "r1" || got[0].PaymentID != "pay-s1" {
			t.Errorf("%s = %+v, %v", name, got, err)
		}
	}
	want := []storage.TenderRef{{SaleID: "s1", SaleNo: s.No, SaleAt: s.At, Line: 0, Kind: pos.TenderAlipay,
		Amount: s.Tenders[0].Amount, PaymentID: "pay-s1", Ref: s.Tenders[0].Ref}}
	got, err := db.ProviderTendersBetween(ctx, from, to)
	must(t, err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ProviderTendersBetween (-want +got):\n%s", diff)
	}
	if got, err := db.TendersOfPayments(ctx, []string{"pay-s1"}); err != nil || len(got) != 1 || got[0].SaleNo != s.No {
		t.Errorf("TendersOfPayments = %+v, %v", got, err)
	}
	if nos, err := db.SaleNos(ctx, []string{"s1", "nope"}); err != nil || len(nos) != 1 || nos["s1"] != s.No {
		t.Errorf("SaleNos = %v, %v", nos, err)
	}
	dr, cr, err := db.AccountTotals(ctx, ledger.Cash, from, to)
	must(t, err)
	if dr != s.Tenders[1].Amount || cr != 0 {
		t.Errorf("drawer in %v out %v, want %v and 0", dr, cr, s.Tenders[1].Amount)
	}
}

func reconDay(day time.Time, status string, diff bool) storage.ReconDay {
	return storage.ReconDay{Day: day, CashIn: 500, CashOut: 100,
		Channels: []storage.ReconChannel{{Channel: "alipay", HaveBill: true, BillID: 1, FeeRateBP: 60, Payments: 1,
			Gross: 1000, FeesCharged: 6, TillPayments: 1, TillGross: 1000, ExpectedFees: 6, Differences: 1, Unsettled: 100}},
		Items: []storage.ReconItem{
			{Channel: "alipay", Key: "alipay:payment:P1:matched", Status: "matched", Kind: "payment", Provider: "alipay",
				OutTradeNo: "P1", TradeNo: "T1", SaleNo: "S1", OnBill: true, InTill: true, BillAmount: 1000, TillAmount: 1000,
				BillFee: 6, ExpectedFee: 6, BillAt: day.Add(time.Hour).UTC(), TillAt: day.Add(time.Hour).UTC(), Line: 5,
				BillCoupon: 300, BillUnsettled: 100},
			{Channel: "alipay", Key: "alipay:payment:P2:" + status, Status: status, Kind: "payment", Difference: diff,
				Urgent: diff, Provider: "alipay", OutTradeNo: "P2", OnBill: true, BillAmount: 300, BillFee: 2,
				ExpectedFee: 2, BillAt: day.Add(2 * time.Hour).UTC(), Line: 6},
		}}
}

// TestReconciliationRerunKeepsResolutions: a re-run replaces the day's
// results; a note on a difference stays and comes back with it.
func TestReconciliationRerunKeepsResolutions(t *testing.T) {
	db := storagetest.NewDB(t)
	day := time.Date(2026, 11, 25, 0, 0, 0, 0, cst)
	if _, err := db.Reconciliation(ctx, day); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("never reconciled: %v, want ErrNotFound", err)
	}
	d := reconDay(day, "only_provider", true)
	must(t, db.SaveReconciliation(ctx, d))
	key := d.Items[1].Key
	if _, err := db.Resolve(ctx, "alipay:payment:P9:only_provider", "店主", "x"); !errors.Is(err, storage.ErrNoSuchDifference) {
		t.Errorf("resolving an unknown key: %v", err)
	}
	if _, err := db.Resolve(ctx, d.Items[0].Key, "店主", "x"); !errors.Is(err, storage.ErrNoSuchDifference) {
		t.Errorf("resolving a matched item: %v", err)
	}
	if _, err := db.Resolve(ctx, key, " ", "x"); pos.ErrorCode(err) != pos.CodeInvalid {
		t.Errorf("resolving without a name: %v", err)
	}
	_, err := db.Resolve(ctx, key, "店主", "顾客付款后离开，订单未保存；已补录")
	must(t, err)
	res, err := db.Resolve(ctx, key, "会计", "已核对补录订单 01-01-20261125-0009")
	must(t, err)

	must(t, db.SaveReconciliation(ctx, d)) // re-run: same day, same findings
	got, err := db.Reconciliation(ctx, day)
	must(t, err)
	if len(got.Items) != 2 || got.Items[1].Resolution == nil || *got.Items[1].Resolution != res {
		t.Fatalf("after a re-run: items %+v, want the latest note %+v on %s", got.Items, res, key)
	}
	if got.Items[0].Resolution != nil || got.CountedCash != nil || got.CashIn != 500 || got.CashOut != 100 {
		t.Errorf("day %+v", got)
	}
	want := d.Items
	want[1].Resolution = &res
	if diff := cmp.Diff(want, got.Items); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(d.Channels, got.Channels); diff != "" {
		t.Errorf("channels (-want +got):\n%s", diff)
	}

	must(t, db.SaveReconciliation(ctx, reconDay(day, "matched", false))) // fixed: no difference left
	got, err = db.Reconciliation(ctx, day)
	must(t, err)
	if len(got.Items) != 2 || got.Items[1].Resolution != nil {
		t.Errorf("after the fix: %+v", got.Items)
	}
	var n int
	must(t, rawDB(t, db.Path()).QueryRow(`SELECT count(*) FROM recon_resolutions`).Scan(&n))
	if n != 2 {
		t.Errorf("%d notes kept, want both", n)
	}
}
