package reconcile

import (
	"context"
	"errors"
	"time"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/sync/settlement"
)

// dayBills are a channel's bills of the day before, the day and the day
// after (nil where there is none), as settlement rows.
type dayBills [3]*storage.Bill

// loadBills reads every channel's bills around day.
func (s *Service) loadBills(ctx context.Context, day time.Time) (map[settlement.Channel]dayBills, error) {
	out := map[settlement.Channel]dayBills{}
	for _, ch := range settlement.Channels {
		var bs dayBills
		for i := range bs {
			b, err := s.DB.LatestBill(ctx, string(ch), day.AddDate(0, 0, i-1))
			switch {
			case errors.Is(err, storage.ErrNotFound):
			case err != nil:
				return nil, err
			default:
				bs[i] = &b
			}
		}
		out[ch] = bs
	}
	return out, nil
}

// rows returns the bills' rows as settlement rows, and which bills are in.
func (bs dayBills) rows() ([]settlement.Row, [3]bool, error) {
	var out []settlement.Row
	var have [3]bool
	for i, b := range bs {
		if b == nil {
			continue
		}
		have[i] = true
		for _, r := range b.Rows {
			k, err := settlement.ParseKind(r.Kind)
			if err != nil {
				return nil, have, err
			}
			out = append(out, settlement.Row{Line: r.Line, Provider: pos.Provider(r.Provider), Kind: k,
				OutTradeNo: r.OutTradeNo, TradeNo: r.TradeNo, OutRefundNo: r.OutRefundNo, Amount: r.Amount, Fee: r.Fee,
				At: r.At.In(settlement.Beijing), Coupon: r.Coupon, Unsettled: r.Unsettled})
		}
	}
	return out, have, nil
}

// till is the till's side around a day: every provider payment and
// refund the day's matching needs, each once.
type till struct {
	payments map[string]*settlement.TillPayment // by out_trade_no
	refunds  map[string]*settlement.TillRefund  // by out_refund_no
	training map[string]bool                    // payments of training sales: nothing real was charged
	saleNos  map[string]string                  // sale ID → order number
}

// loadTill reads the records made from the day before to the day after,
// then those the bills name that fall outside (a refund of an old
// payment, a sale saved late), then every refund of the payments involved.
func (s *Service) loadTill(ctx context.Context, day time.Time, rows []settlement.Row) (*till, error) {
	t := &till{payments: map[string]*settlement.TillPayment{}, refunds: map[string]*settlement.TillRefund{},
		training: map[string]bool{}, saleNos: map[string]string{}}
	from, to := day.AddDate(0, 0, -1), day.AddDate(0, 0, 2)
	steps := []func() error{
		func() error { return t.addPayments(s.DB.PaymentsBetween(ctx, from, to)) },
		func() error { return t.addTenders(s.DB.ProviderTendersBetween(ctx, from, to)) },
		func() error { return t.addRefunds(s.DB.RefundsBetween(ctx, from, to)) },
		func() error { return t.addPayments(s.DB.PaymentsByID(ctx, t.missingPayments(rows))) },
		func() error { return t.addRefunds(s.DB.RefundsByID(ctx, t.missingRefunds(rows))) },
		func() error { return t.addTenders(s.DB.TendersOfPayments(ctx, t.unsold())) },
		func() error { return t.addRefunds(s.DB.RefundsOfPayments(ctx, t.refunded())) },
		func() error { return t.addPayments(s.DB.PaymentsByID(ctx, t.refundedUnknown())) },
		func() error { return t.fillSaleNos(ctx, s.DB) },
		func() error { t.addLateRefunds(); return nil },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (t *till) addPayments(ps []pos.Payment, err error) error {
	for _, p := range ps {
		tp := t.payments[p.ID]
		if tp == nil {
			tp = &settlement.TillPayment{ID: p.ID}
			t.payments[p.ID] = tp
		}
		tp.Provider, tp.Amount, tp.State, tp.TradeNo, tp.At = p.Provider, p.Amount, p.State, p.TradeNo, p.Created
	}
	return err
}

// addTenders links payments to the completed sales they paid; a tender
// with no payment row (a sale recorded without one) stands for its payment.
func (t *till) addTenders(ts []storage.TenderRef, err error) error {
	for _, td := range ts {
		if td.PaymentID == "" {
			continue
		}
		if td.Training {
			t.training[td.PaymentID] = true
			continue
		}
		t.saleNos[td.SaleID] = td.SaleNo
		tp := t.payments[td.PaymentID]
		if tp == nil {
			tp = &settlement.TillPayment{ID: td.PaymentID, Provider: tenderProvider(td.Kind), Amount: td.Amount, At: td.SaleAt}
			t.payments[td.PaymentID] = tp
		}
		tp.SaleNo = td.SaleNo
	}
	return err
}

// tenderProvider is the provider a tender of kind k was paid through.
func tenderProvider(k pos.TenderKind) pos.Provider {
	if k == pos.TenderCard {
		return settlement.ProviderCard
	}
	return pos.Provider(k) // the wallets' kinds and providers share their names
}

func (t *till) addRefunds(rs []pos.Refund, err error) error {
	for _, r := range rs {
		if r.PaymentID == "" {
			continue // cash: the drawer, not a provider
		}
		t.refunds[r.ID] = &settlement.TillRefund{ID: r.ID, PaymentID: r.PaymentID, SaleNo: r.SaleID, // numbered below
			Amount: r.Amount, State: r.State, At: r.At}
	}
	return err
}

// missingPayments lists the order numbers the bills name that the till's
// window lacks.
func (t *till) missingPayments(rows []settlement.Row) []string {
	var out []string
	for _, r := range rows {
		if _, ok := t.payments[r.OutTradeNo]; !ok {
			out = append(out, r.OutTradeNo)
		}
	}
	return out
}

func (t *till) missingRefunds(rows []settlement.Row) []string {
	var out []string
	for _, r := range rows {
		if _, ok := t.refunds[r.OutRefundNo]; r.Kind == settlement.KindRefund && !ok {
			out = append(out, r.OutRefundNo)
		}
	}
	return out
}

// unsold lists the payments no sale is known to use yet.
func (t *till) unsold() []string {
	var out []string
	for id, p := range t.payments {
		if p.SaleNo == "" {
			out = append(out, id)
		}
	}
	return out
}

// refunded lists the payments with a refund, whose other refunds decide
// what fee each gives back.
func (t *till) refunded() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range t.refunds {
		if !seen[r.PaymentID] {
			seen[r.PaymentID] = true
			out = append(out, r.PaymentID)
		}
	}
	return out
}

// addLateRefunds stands in for the automatic refunds of late successes:
// a payment no sale uses, refunded (or being refunded) in full by the
// till with the out_refund_no pos.LateRefundNo gives, and no refund
// record of its own (its refund lives on the payment row).
func (t *till) addLateRefunds() {
	has := map[string]bool{}
	for _, r := range t.refunds {
		has[r.PaymentID] = true
	}
	for id, p := range t.payments {
		if p.SaleNo != "" || has[id] || (p.State != pos.PayRefunded && p.State != pos.PayRefunding) {
			continue
		}
		state := pos.RefundDone
		if p.State == pos.PayRefunding {
			state = pos.RefundPending
		}
		no := pos.LateRefundNo(id)
		t.refunds[no] = &settlement.TillRefund{ID: no, PaymentID: id, Amount: p.Amount, State: state, At: p.At}
	}
}

// refundedUnknown lists refunded payments not read yet.
func (t *till) refundedUnknown() []string {
	var out []string
	for _, id := range t.refunded() {
		if _, ok := t.payments[id]; !ok {
			out = append(out, id)
		}
	}
	return out
}

// fillSaleNos turns the refunds' sale IDs into order numbers.
func (t *till) fillSaleNos(ctx context.Context, db *storage.DB) error {
	var ids []string
	for _, r := range t.refunds {
		if _, ok := t.saleNos[r.SaleNo]; !ok {
			ids = append(ids, r.SaleNo)
		}
	}
	nos, err := db.SaleNos(ctx, ids)
	if err != nil {
		return err
	}
	for id, no := range nos {
		t.saleNos[id] = no
	}
	for _, r := range t.refunds {
		r.SaleNo = t.saleNos[r.SaleNo]
	}
	return nil
}

// input is one channel's Input for day.
func (t *till) input(ch settlement.Channel, day time.Time, rows []settlement.Row, have [3]bool) settlement.Input {
	in := settlement.Input{Channel: ch, Day: day, Bill: rows, HaveBill: have}
	for id, p := range t.payments {
		if c, ok := settlement.ChannelOf(p.Provider); ok && c == ch && !t.training[id] {
			in.Payments = append(in.Payments, *p)
		}
	}
	for _, r := range t.refunds {
		p := t.payments[r.PaymentID]
		if p == nil || t.training[r.PaymentID] {
			continue
		}
		if c, ok := settlement.ChannelOf(p.Provider); ok && c == ch {
			in.Refunds = append(in.Refunds, *r)
		}
	}
	return in
}
