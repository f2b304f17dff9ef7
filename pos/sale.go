package pos

import (
	"fmt"
	"strings"
	"time"

	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
)

// TenderKind says how a tender was paid.
type TenderKind string

// The ways to pay.
const (
	TenderCash        TenderKind = "cash"
	TenderAlipay      TenderKind = "alipay"
	TenderWechat      TenderKind = "wechat"
	TenderUnionPay    TenderKind = "unionpay"
	TenderECNY        TenderKind = "ecny"
	TenderCard        TenderKind = "card"
	TenderStoredValue TenderKind = "stored_value"
)

// Account returns the ledger account a tender of kind k is debited to.
func (k TenderKind) Account() (ledger.Account, error) {
	switch k {
	case TenderCash:
		return ledger.Cash, nil
	case TenderAlipay:
		return ledger.AlipayClearing, nil
	case TenderWechat:
		return ledger.WechatClearing, nil
	case TenderUnionPay:
		return ledger.UnionPayClearing, nil
	case TenderECNY:
		return ledger.ECNYClearing, nil
	case TenderCard:
		return ledger.CardReceivable, nil
	case TenderStoredValue:
		return ledger.StoredValue, nil
	}
	return "", Errorf(CodeInternal, "pos: unknown tender kind %q", k)
}

// validate checks one tender's amounts: never negative, change only from
// cash, and what is recorded of cash adds up.
func (t Tender) validate() error {
	switch {
	case t.Amount < 0 || t.Received < 0 || t.Change < 0:
		return Errorf(CodeInvalid, "pos: %s tender with a negative amount", t.Kind)
	case t.Kind != TenderCash && (t.Change != 0 || t.Received != 0):
		return Errorf(CodeInvalid, "pos: %s tender: %w", t.Kind, ErrNotCashChange)
	case t.Kind == TenderCash && t.Received != 0 && t.Received-t.Amount != t.Change:
		return Errorf(CodeInvalid, "pos: cash received %v for %v with change %v", t.Received, t.Amount, t.Change)
	}
	return nil
}

// Tender is the part of a sale paid one way.
type Tender struct {
	Kind      TenderKind
	Amount    money.Fen // what this tender pays of the total
	Received  money.Fen // cash handed over (cash only; ≥ Amount)
	Change    money.Fen // Received − Amount (cash only)
	PaymentID string    // the provider payment attempt, when there is one
	Ref       string    // the provider's trade number, masked buyer, ...
}

// CashTender pays due from received cash.
func CashTender(due, received money.Fen) (Tender, error) {
	if received < due {
		return Tender{}, Errorf(CodeInvalid, "pos: received %v for %v: %w", received, due, ErrUnderpaid)
	}
	return Tender{Kind: TenderCash, Amount: due, Received: received, Change: received - due}, nil
}

// RoundingRule is the shop's 抹零 rule for cash totals.
type RoundingRule string

// Rounding rules.
const (
	RoundNone RoundingRule = "none"
	RoundJiao RoundingRule = "jiao" // drop the fen
	RoundYuan RoundingRule = "yuan" // drop fen and jiao
)

// Apply returns what is taken off total under r.
func (r RoundingRule) Apply(total money.Fen) money.Fen {
	switch r {
	case RoundJiao:
		return total - money.Floor(total, money.Jiao)
	case RoundYuan:
		return total - money.Floor(total, money.Yuan)
	}
	return 0
}

// Line is one line of a completed sale.
type Line struct {
	ProductID int64
	Barcode   string
	Name      string
	Unit      string
	Category  string
	Qty       Qty
	UnitPrice money.Fen
	OldPrice  money.Fen // the catalogue price a price override replaced; 0 for none
	Gross     money.Fen
	Discount  money.Fen // line discount plus its share of the order discount
	Amount    money.Fen // Gross − Discount
}

// A Sale is one completed checkout. It never changes once saved: a mistake is
// corrected by a Refund and a reversing entry, so history keeps both.
type Sale struct {
	ID       string       // made by the till before any tender starts
	No       string       // store-till-date-sequence, never repeated
	At       time.Time    // UTC; when the cashier pressed Pay
	Cashier  string       // staff name
	Training bool         // training mode: nothing real was charged
	Lines    []Line       // amounts after discounts
	Subtotal money.Fen    // Σ Lines[i].Gross
	Discount money.Fen    // Σ Lines[i].Discount
	Rounding money.Fen    // 抹零 taken off a cash total, ≥ 0
	Total    money.Fen    // Σ Lines[i].Amount − Rounding
	Tenders  []Tender     // Σ Tenders[i].Amount == Total
	Entry    ledger.Entry // the balanced journal entry that books it
}

// Checkout is what completing a sale needs besides the cart.
type Checkout struct {
	ID, No, EntryID string
	At              time.Time
	Cashier         string
	Training        bool
	Rounding        money.Fen // from DueCash, when paid all in cash
	Tenders         []Tender
}

// Due returns what the customer owes for the cart, and the 抹零 taken off
// when paying all in cash under rule.
func (c *Cart) Due(rule RoundingRule, allCash bool) (due, rounding money.Fen) {
	total := c.Totals().Total
	if allCash {
		rounding = rule.Apply(total)
	}
	return total - rounding, rounding
}

// Checkout turns the cart into a sale with its journal entry.
func (c *Cart) Checkout(in Checkout) (*Sale, error) {
	if len(c.Lines) == 0 {
		return nil, ErrEmptyCart
	}
	t := c.Totals()
	s := &Sale{ID: in.ID, No: in.No, At: in.At.UTC(), Cashier: in.Cashier, Training: in.Training,
		Subtotal: t.Subtotal, Discount: t.Discount, Rounding: in.Rounding, Total: t.Total - in.Rounding,
		Tenders: in.Tenders}
	for _, pl := range t.Lines {
		s.Lines = append(s.Lines, Line{ProductID: pl.ProductID, Barcode: pl.Barcode, Name: pl.Name,
			Unit: pl.Unit, Category: pl.Category, Qty: pl.Qty, UnitPrice: pl.UnitPrice, OldPrice: pl.OldPrice, Gross: pl.Gross,
			Discount: pl.LineDiscount + pl.OrderShare, Amount: pl.Amount})
	}
	var paid money.Fen
	for _, td := range in.Tenders {
		if err := td.validate(); err != nil {
			return nil, err
		}
		paid += td.Amount
	}
	if paid != s.Total {
		return nil, Errorf(CodeInvalid, "pos: tenders %v for total %v: %w", paid, s.Total, ErrUnderpaid)
	}
	entry, err := s.bookEntry(in.EntryID)
	if err != nil {
		return nil, err
	}
	s.Entry = entry
	return s, s.Validate()
}

// bookEntry makes the sale's journal entry: tenders, discounts and rounding
// on the debit side; revenue at the gross price on the credit side.
func (s *Sale) bookEntry(id string) (ledger.Entry, error) {
	var b ledger.Builder
	for _, t := range s.Tenders {
		acct, err := t.Kind.Account()
		if err != nil {
			return ledger.Entry{}, err
		}
		b.Debit(acct, t.Amount)
	}
	b.Debit(ledger.Discounts, s.Discount)
	b.Debit(ledger.Rounding, s.Rounding)
	b.Credit(ledger.Revenue, s.Subtotal)
	e, err := b.Entry(id, s.At, s.ID, "sale "+s.No)
	if err != nil {
		return e, Errorf(CodeInternal, "pos: sale %s entry: %w", s.ID, err)
	}
	return e, nil
}

// Validate reports whether s keeps the invariants of every stored sale.
func (s *Sale) Validate() error {
	if len(s.Lines) == 0 {
		return Errorf(CodeInvalid, "pos: sale %s has no lines", s.ID)
	}
	if s.ID == "" || s.No == "" || s.At.IsZero() {
		return Errorf(CodeInternal, "pos: sale %q/%q lacks an ID, number or time", s.ID, s.No)
	}
	var gross, disc, sum, paid money.Fen
	for _, l := range s.Lines {
		if l.Gross-l.Discount != l.Amount || l.Amount < 0 || l.Discount < 0 || l.Qty <= 0 {
			return Errorf(CodeInternal, "pos: sale %s: line %s does not add up", s.ID, l.Barcode)
		}
		gross, disc, sum = gross+l.Gross, disc+l.Discount, sum+l.Amount
	}
	for _, t := range s.Tenders {
		if err := t.validate(); err != nil {
			return Errorf(CodeInternal, "pos: sale %s: %w", s.ID, err)
		}
		paid += t.Amount
	}
	if s.Rounding < 0 || gross != s.Subtotal || disc != s.Discount || sum-s.Rounding != s.Total || paid != s.Total {
		return Errorf(CodeInternal, "pos: sale %s: lines %v, rounding %v, total %v, paid %v",
			s.ID, sum, s.Rounding, s.Total, paid)
	}
	if err := s.Entry.Validate(); err != nil {
		return Errorf(CodeInternal, "pos: sale %s: %w", s.ID, err)
	}
	if s.Entry.Total() != s.Subtotal {
		return Errorf(CodeInternal, "pos: sale %s: entry books %v, subtotal %v", s.ID, s.Entry.Total(), s.Subtotal)
	}
	return nil
}

// Change returns the cash change the customer gets back.
func (s *Sale) Change() money.Fen {
	var c money.Fen
	for _, t := range s.Tenders {
		c += t.Change
	}
	return c
}

// SaleNo formats an order number: store-till-date-sequence, e.g.
// "01-01-20261125-0042". day is the shop's local business day.
func SaleNo(store, till string, day time.Time, seq int) string {
	return fmt.Sprintf("%s-%s-%s-%04d", store, till, day.Format("20060102"), seq)
}

// BusinessDay returns the shop-local calendar day of t, as midnight in loc.
func BusinessDay(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
}

// Matches reports whether the orders screen's search text q finds s: part of
// the order number, or the exact total ("12.5", "12.50", "¥12.50").
func (s *Sale) Matches(q string) bool {
	q = strings.TrimSpace(q)
	if q == "" || strings.Contains(s.No, q) {
		return true
	}
	f, err := money.Parse(strings.TrimPrefix(strings.TrimPrefix(q, "¥"), "￥"))
	return err == nil && f == s.Total
}
