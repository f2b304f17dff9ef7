package settlement

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
)

// matcher holds one Reconcile's indexes. Indexes are int32 into the
// input's slices: a million rows must not cost a million pointers.
type matcher struct {
	in        *Input
	day, next time.Time
	rate      int64
	window    time.Duration

	pays      map[string]int32 // till payments by out_trade_no
	refunds   map[string]int32 // till refunds by out_refund_no
	billPay   map[string]int32 // the first payment row of each out_trade_no
	billRev   map[string]int32 // the first reversal row of each out_trade_no
	billRef   map[string]int32 // the first refund row of each out_refund_no
	refundFee map[string]money.Fen

	items []Item
	sum   Summary
}

func newMatcher(in *Input, cfg Config) *matcher {
	day := DayOf(in.Day)
	m := &matcher{in: in, day: day, next: day.AddDate(0, 0, 1), rate: cfg.Rate(in.Channel), window: cfg.window(),
		pays: make(map[string]int32, len(in.Payments)), refunds: make(map[string]int32, len(in.Refunds)),
		billPay: make(map[string]int32, len(in.Bill)), billRev: map[string]int32{}, billRef: map[string]int32{},
		refundFee: make(map[string]money.Fen, len(in.Refunds)), items: make([]Item, 0, len(in.Bill)+len(in.Bill)/8)}
	for i := range in.Payments {
		m.pays[in.Payments[i].ID] = int32(i)
	}
	for i := range in.Refunds {
		m.refunds[in.Refunds[i].ID] = int32(i)
	}
	for i := range in.Bill {
		idx, key := m.index(&in.Bill[i])
		if _, seen := idx[key]; !seen && idx != nil {
			idx[key] = int32(i)
		}
	}
	m.expectRefundFees()
	m.sum = Summary{Channel: in.Channel, Day: day, HaveBill: in.HaveBill[1], FeeRateBP: m.rate}
	return m
}

// onDay reports whether t is on the day reconciled.
func (m *matcher) onDay(t time.Time) bool { return !t.Before(m.day) && t.Before(m.next) }

// payment returns the till payment with out_trade_no no, or nil.
func (m *matcher) payment(no string) *TillPayment {
	if i, ok := m.pays[no]; ok {
		return &m.in.Payments[i]
	}
	return nil
}

// expectRefundFees works out the fee each refund should give back: in
// proportion, rounded half up, the last one (or one that would pass the
// fee) what is left, refunds of a payment in the order they were made.
func (m *matcher) expectRefundFees() {
	byPay := map[string][]int32{}
	for i := range m.in.Refunds {
		if r := &m.in.Refunds[i]; r.State != pos.RefundFailed {
			byPay[r.PaymentID] = append(byPay[r.PaymentID], int32(i))
		}
	}
	for pid, idx := range byPay {
		slices.SortFunc(idx, func(a, b int32) int {
			ra, rb := &m.in.Refunds[a], &m.in.Refunds[b]
			return cmp.Or(ra.At.Compare(rb.At), cmp.Compare(ra.ID, rb.ID))
		})
		total, base := m.refundBase(pid)
		fee, given, refunded := money.Percent(base, m.rate), money.Fen(0), money.Fen(0)
		for _, i := range idx {
			r := &m.in.Refunds[i]
			f := money.Percent(min(r.Amount-m.billRefundUnsettled(r.ID), money.MaxFen), m.rate)
			if total > 0 && (f > fee-given || refunded+r.Amount == total) {
				f = max(fee-given, 0)
			}
			given, refunded = given+f, refunded+r.Amount
			m.refundFee[r.ID] = f
		}
	}
}

// refundBase returns the amount of payment pid and what its fee is
// charged on: the settled amount when the bill shows it (a 免充值券 is not
// charged for), else the till's amount.
func (m *matcher) refundBase(pid string) (total, base money.Fen) {
	p := m.payment(pid)
	if p != nil {
		total, base = p.Amount, p.Amount
	}
	if i, ok := m.billPay[pid]; ok {
		r := &m.in.Bill[i]
		if p == nil {
			total = r.Amount
		}
		base = total - r.Unsettled
	}
	return total, base
}

// billRefundUnsettled returns the unsettled coupon part of refund id's
// bill row; 0 when the bill has no such row.
func (m *matcher) billRefundUnsettled(id string) money.Fen {
	if i, ok := m.billRef[id]; ok {
		return m.in.Bill[i].Unsettled
	}
	return 0
}

// billSide classifies each bill row of the day.
func (m *matcher) billSide() {
	for i := range m.in.Bill {
		r := &m.in.Bill[i]
		if !m.onDay(r.At) {
			continue
		}
		m.sum.addRow(r)
		it := Item{Kind: r.Kind, Provider: r.Provider, OutTradeNo: r.OutTradeNo, OutRefundNo: r.OutRefundNo,
			TradeNo: r.TradeNo, OnBill: true, BillAmount: r.Amount, BillFee: r.Fee, BillAt: r.At, Line: r.Line,
			BillCoupon: r.Coupon, BillUnsettled: r.Unsettled}
		switch {
		case m.duplicate(r, int32(i)):
			it.Status = Duplicate
		case r.Kind == KindPayment:
			m.billPayment(&it)
		case r.Kind == KindReversal:
			m.billReversal(&it)
		case r.Kind == KindRefund:
			m.billRefund(&it)
		}
		m.add(it)
	}
}

// index returns the index of r's kind and r's key in it.
func (m *matcher) index(r *Row) (map[string]int32, string) {
	switch r.Kind {
	case KindPayment:
		return m.billPay, r.OutTradeNo
	case KindReversal:
		return m.billRev, r.OutTradeNo
	case KindRefund:
		return m.billRef, r.OutRefundNo
	}
	return nil, ""
}

// duplicate reports whether an earlier row has the same key as row i.
func (m *matcher) duplicate(r *Row, i int32) bool {
	idx, key := m.index(r)
	return idx != nil && idx[key] != i
}

// billPayment classifies a payment row.
func (m *matcher) billPayment(it *Item) {
	it.ExpectedFee = money.Percent(it.BillAmount-it.BillUnsettled, m.rate)
	p := m.payment(it.OutTradeNo)
	m.fillTill(it, p)
	_, reversed := m.billRev[it.OutTradeNo]
	// A late success the till refunded in full (no sale uses it) went back
	// like a reversal; its refund row matches the till's refund.
	lateRefunded := p != nil && p.SaleNo == "" && (p.State == pos.PayRefunded || p.State == pos.PayRefunding)
	switch {
	case (p == nil || p.SaleNo == "") && (reversed || lateRefunded):
		it.Status = Reversed
	case p == nil || p.SaleNo == "":
		it.Status = OnlyProvider
	default:
		it.Status = m.compare(it)
	}
}

// billReversal classifies a reversal: fine when the till has no sale for
// the payment, a difference when it booked one.
func (m *matcher) billReversal(it *Item) {
	amount := it.BillAmount - it.BillUnsettled
	if i, ok := m.billPay[it.OutTradeNo]; ok {
		amount = m.in.Bill[i].Settled()
	}
	it.ExpectedFee = -money.Percent(amount, m.rate)
	p := m.payment(it.OutTradeNo)
	m.fillTill(it, p)
	switch {
	case p != nil && p.SaleNo != "":
		it.Status = ReversedAtProvider
	case it.BillFee != it.ExpectedFee:
		it.Status = FeeMismatch
	default:
		it.Status = Reversed
	}
}

// billRefund classifies a refund row against the till's refund.
func (m *matcher) billRefund(it *Item) {
	it.ExpectedFee = -money.Percent(it.BillAmount-it.BillUnsettled, m.rate)
	i, ok := m.refunds[it.OutRefundNo]
	if !ok {
		it.Status = RefundOnlyProvider
		return
	}
	r := &m.in.Refunds[i]
	it.InTill, it.TillAmount, it.TillAt, it.SaleNo = true, r.Amount, r.At, r.SaleNo
	it.ExpectedFee = -m.refundFee[r.ID]
	switch {
	case r.PaymentID != it.OutTradeNo || r.Amount != it.BillAmount:
		it.Status = RefundMismatch
	case r.State == pos.RefundPending:
		it.Status = RefundPending
	case r.State == pos.RefundFailed:
		it.Status = RefundOnlyProvider
	default:
		it.Status = m.compare(it)
	}
}

// fillTill copies the till's side of a payment into it.
func (m *matcher) fillTill(it *Item, p *TillPayment) {
	if p == nil {
		return
	}
	it.InTill, it.TillAmount, it.TillAt, it.SaleNo = true, p.Amount, p.At, p.SaleNo
	if it.TradeNo == "" {
		it.TradeNo = p.TradeNo
	}
}

// compare classifies an item found on both sides.
func (m *matcher) compare(it *Item) Status {
	switch {
	case it.BillAmount != it.TillAmount:
		return AmountMismatch
	case it.BillFee != it.ExpectedFee:
		return FeeMismatch
	case DayOf(it.TillAt) != DayOf(it.BillAt):
		return CrossDay
	}
	return Matched
}

// tillSide reports the day's till records that no row of the day's bill
// matched: across midnight, missing, or waiting for a bill.
func (m *matcher) tillSide() {
	for i := range m.in.Payments {
		if p := &m.in.Payments[i]; m.onDay(p.At) && p.Charged() {
			m.tillPayment(p)
		}
	}
	for i := range m.in.Refunds {
		if r := &m.in.Refunds[i]; m.onDay(r.At) && r.State == pos.RefundDone {
			m.sum.addTillRefund(r, m.refundFee[r.ID])
			m.tillRefund(r)
		}
	}
}

// tillPayment counts a payment the till took on the day, its fee on what
// the bill settles of it, and reports it unless the day's bill did.
func (m *matcher) tillPayment(p *TillPayment) {
	i, onBill := m.billPay[p.ID]
	var unsettled money.Fen
	if onBill {
		unsettled = m.in.Bill[i].Unsettled
	}
	m.sum.addTillPayment(p, money.Percent(p.Amount-unsettled, m.rate))
	it := Item{Kind: KindPayment, Provider: p.Provider, OutTradeNo: p.ID, TradeNo: p.TradeNo}
	m.fillTill(&it, p)
	if onBill {
		r := &m.in.Bill[i]
		if m.onDay(r.At) {
			return // reported with the bill's rows
		}
		m.onOtherBill(&it, r)
		it.ExpectedFee = money.Percent(r.Settled(), m.rate)
		it.Status = m.compare(&it)
	} else {
		it.Status = m.missing(p.At, OnlyTill)
	}
	m.add(it)
}

func (m *matcher) tillRefund(r *TillRefund) {
	it := Item{Kind: KindRefund, OutTradeNo: r.PaymentID, OutRefundNo: r.ID, InTill: true, TillAmount: r.Amount,
		TillAt: r.At, SaleNo: r.SaleNo, ExpectedFee: -m.refundFee[r.ID]}
	if p := m.payment(r.PaymentID); p != nil {
		it.Provider, it.TradeNo = p.Provider, p.TradeNo
	}
	if i, ok := m.billRef[r.ID]; ok {
		b := &m.in.Bill[i]
		if m.onDay(b.At) {
			return
		}
		m.onOtherBill(&it, b)
		it.Status = m.compare(&it)
		if b.OutTradeNo != r.PaymentID {
			it.Status = RefundMismatch
		}
	} else {
		it.Status = m.missing(r.At, RefundOnlyTill)
	}
	m.add(it)
}

// onOtherBill copies a bill row of an adjacent day into it.
func (m *matcher) onOtherBill(it *Item, r *Row) {
	it.OnBill, it.BillAmount, it.BillFee, it.BillAt, it.Line = true, r.Amount, r.Fee, r.At, r.Line
	it.BillCoupon, it.BillUnsettled = r.Coupon, r.Unsettled
	it.Provider, it.TradeNo = r.Provider, r.TradeNo
}

// missing is the status of a till record no bill row matched: otherwise
// when the bills that could hold it are in, NoBill or AwaitingBill when
// one is not.
func (m *matcher) missing(at time.Time, otherwise Status) Status {
	switch {
	case !m.in.HaveBill[1]:
		return NoBill
	case m.next.Sub(at) <= m.window && !m.in.HaveBill[2], at.Sub(m.day) <= m.window && !m.in.HaveBill[0]:
		return AwaitingBill
	}
	return otherwise
}

// add appends an item and counts it in the summary.
func (m *matcher) add(it Item) {
	if it.Status.Difference() {
		m.sum.Differences++
		if it.Status.Urgent() {
			m.sum.Urgent++
		}
	}
	m.items = append(m.items, it)
}

func itoa(n int) string { return strconv.Itoa(n) }
