package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
)

// alipaySale rings up ¥7.50 paid by Alipay through the simulator, with the
// refunds wired, and returns the orders screen reloaded.
func alipaySale(t *testing.T, f *fixture, sim *providersim.Sim) *ordersScreen {
	t.Helper()
	svc := f.app.deps.Payments.(*payments.Service)
	svc.RefundStore = f.db
	f.app.deps.Refunds = f.db
	f.scan("6901234567892")
	f.scan("6903456789014")
	f.scan(sim.NewPaymentCode(providersim.Alipay, "buyer9"))
	waitPayment(t, f)
	o := f.app.orders
	o.reload()
	return o
}

// refundInCash asks for amount of the picked order's first tender back in
// cash, ticking the dialog's cash box.
func refundInCash(t *testing.T, o *ordersScreen, amount string) *refundDialog {
	t.Helper()
	o.onRefund()
	d := o.refund
	if d.inCash.Hidden {
		t.Fatal("no cash option for an Alipay tender")
	}
	d.inCash.SetChecked(true)
	d.amount.SetText(amount)
	d.ok.OnTapped()
	return d
}

// letCashierAsk changes the shop's table: a cashier may ask for refunds
// without receipt and to another tender, a manager gives them alone.
func letCashierAsk(t *testing.T, tm storagetest.Team) {
	t.Helper()
	p, err := tm.Auth.Permissions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []pos.Action{pos.ActRefundNoReceipt, pos.ActRefundOther} {
		p.Grants[a][pos.RoleCashier], p.Grants[a][pos.RoleManager] = pos.Approve, pos.Allow
	}
	if err := tm.Auth.SavePermissions(context.Background(), tm.Owner, p); err != nil {
		t.Fatal(err)
	}
}

// checkCashRefund checks a done cash refund of the Alipay tender: the
// drawer paid it, the provider was asked nothing and the payment is as
// it was, so the reconciliation expects no provider refund.
func checkCashRefund(t *testing.T, f *fixture, sim *providersim.Sim, sale *pos.Sale, d *refundDialog) {
	t.Helper()
	<-d.done
	if !strings.Contains(d.msg.Text, "钱箱") {
		t.Errorf("refund message %q", d.msg.Text)
	}
	rs, err := f.db.Refunds(context.Background(), sale.ID)
	if err != nil || len(rs) != 1 {
		t.Fatalf("refunds %+v, %v", rs, err)
	}
	r := rs[0]
	if r.Kind != pos.TenderCash || r.PaymentID != "" || r.Tender != 0 || r.State != pos.RefundDone || !r.OtherTender(sale) {
		t.Errorf("refund %+v", r)
	}
	if bal := ledger.Balances([]ledger.Entry{r.Entry}); bal[ledger.Cash] != -300 {
		t.Errorf("refund entry %v: the drawer is not credited 3.00", bal)
	}
	if got := charged(sim); got != 750 {
		t.Errorf("the simulator's net charge %v: a provider refund was made", got)
	}
	p, err := f.db.Payment(context.Background(), sale.Tenders[0].PaymentID)
	if err != nil || p.State != pos.PaySucceeded || p.Refunded != 0 {
		t.Errorf("the Alipay payment %+v, %v: it should be untouched", p, err)
	}
	byPay, err := f.db.RefundsOfPayments(context.Background(), []string{p.ID})
	if err != nil || len(byPay) != 0 {
		t.Errorf("refunds of the payment %+v, %v; reconciliation would expect them at Alipay", byPay, err)
	}
}

// By the default table a cashier may not refund without the receipt, nor
// in cash for a wallet payment; with the receipt and to the wallet the
// manager's approval is enough.
func TestCashierRefundWithoutReceiptDeniedByDefault(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	f.approvals(t, pos.RoleCashier)
	o := alipaySale(t, f, sim)
	o.open(o.shown[0]) // picked from the day's list: no receipt
	o.onRefund()
	d := o.refund
	d.amount.SetText("3.00")
	d.ok.OnTapped()
	if f.app.gate.Sheet != nil || !strings.Contains(f.app.refusal, "无单") || !strings.Contains(f.app.refusal, "无此权限") {
		t.Fatalf("no receipt: sheet %v, refusal %q", f.app.gate.Sheet, f.app.refusal)
	}
	scanReceipt(o, o.shown[0].No)
	refundInCash(t, o, "3.00")
	if f.app.gate.Sheet != nil || !strings.Contains(f.app.refusal, "退现金") || charged(sim) != 750 {
		t.Fatalf("in cash: sheet %v, refusal %q, charged %v", f.app.gate.Sheet, f.app.refusal, charged(sim))
	}
	if rs, _ := f.db.Refunds(context.Background(), o.picked.ID); len(rs) != 0 {
		t.Errorf("refunds made though refused: %+v", rs)
	}
}

// Where the shop lets a cashier ask, a no-receipt refund of an Alipay sale
// in cash takes the manager's PIN; the cash leaves the drawer, Alipay is
// asked nothing.
func TestCashierRefundNoReceiptInCashApproved(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	letCashierAsk(t, f.approvals(t, pos.RoleCashier))
	o := alipaySale(t, f, sim)
	o.search.SetText("7.50") // found by its amount
	o.open(o.shown[0])
	sale := o.picked
	d := refundInCash(t, o, "3.00")
	s := f.app.gate.Sheet
	if s == nil {
		t.Fatalf("no approval sheet (refusal %q)", f.app.refusal)
	}
	s.Reason.SetSelectedIndex(0)
	test.Tap(tile(t, s, "店长"))
	test.Type(s.PIN, storagetest.ManagerPIN)
	test.Tap(s.ApprovePIN)
	checkCashRefund(t, f, sim, sale, d)
}

// A manager the shop allows gives the same refund alone.
func TestManagerRefundNoReceiptInCashAllowed(t *testing.T) {
	f := newFixture(t)
	sim := withSimulator(t, f)
	letCashierAsk(t, f.approvals(t, pos.RoleManager))
	o := alipaySale(t, f, sim)
	o.open(o.shown[0])
	sale := o.picked
	d := refundInCash(t, o, "3.00")
	if f.app.gate.Sheet != nil {
		t.Fatal("a manager was asked for approval")
	}
	checkCashRefund(t, f, sim, sale, d)
}
