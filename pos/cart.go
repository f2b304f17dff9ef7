package pos

import (
	"zhanggui/pos/money"
)

// Discount takes money off a line or the whole order: either Percent, in
// basis points off (1500 is 15% off, "8.5折"), or Amount. At most one is set.
type Discount struct {
	Percent int64     `json:"percent,omitempty"`
	Amount  money.Fen `json:"amount,omitempty"`
}

// Validate checks d's range.
func (d Discount) Validate() error {
	if d.Percent < 0 || d.Percent > 10000 || d.Amount < 0 || d.Amount > money.MaxFen || d.Percent > 0 && d.Amount > 0 {
		return Errorf(CodeInvalid, "pos: discount %+v: %w", d, ErrBadDiscount)
	}
	return nil
}

// IsZero reports whether d takes nothing off.
func (d Discount) IsZero() bool { return d.Percent == 0 && d.Amount == 0 }

// off returns what d takes off base, never more than base.
func (d Discount) off(base money.Fen) money.Fen {
	if d.Percent > 0 {
		return money.Percent(base, d.Percent)
	}
	return min(d.Amount, base)
}

// CartLine is one line of a sale in progress: a product snapshot, so a price
// edited mid-sale does not change what the customer was shown.
type CartLine struct {
	ProductID int64     `json:"product_id"`
	Barcode   string    `json:"barcode"`
	Name      string    `json:"name"`
	Unit      string    `json:"unit"`
	Category  string    `json:"category,omitempty"`
	Price     money.Fen `json:"price"`
	Member    money.Fen `json:"member_price,omitempty"`
	ByWeight  bool      `json:"by_weight,omitempty"`
	Qty       Qty       `json:"qty"`
	Discount  Discount  `json:"discount"`
	// Override is the unit price set by hand (改价, pos/override.go); 0 for
	// none. Price stays the catalogue's: the old price the receipt shows.
	Override money.Fen `json:"override,omitempty"`
}

// Cart is a sale in progress. Its exported fields are what is saved so that
// it survives a restart; every rule about it is a method here.
type Cart struct {
	ID       string     `json:"id"`
	Lines    []CartLine `json:"lines"`
	Discount Discount   `json:"discount"`         // whole-order discount
	Member   bool       `json:"member,omitempty"` // member prices apply
	Note     string     `json:"note,omitempty"`   // a held sale's label
	// Cashier is who rang the sale up, when someone else took over the
	// till in the middle of it (a fast switch); "" is whoever is on duty.
	Cashier string `json:"cashier,omitempty"`
}

// Add puts qty of p in the cart. Scanning a product already on a line adds to
// that line, unless the line has its own discount or price.
func (c *Cart) Add(p Product, qty Qty) error {
	if !p.Active {
		return Errorf(CodeInvalid, "pos: add %s: %w", p.Barcode, ErrInactive)
	}
	if err := checkQty(p.ByWeight, qty); err != nil {
		return err
	}
	for i := range c.Lines {
		l := &c.Lines[i]
		if l.ProductID == p.ID && l.Barcode == p.Barcode && l.Discount.IsZero() && l.Override == 0 {
			return c.SetQty(i, l.Qty+qty)
		}
	}
	line := CartLine{
		ProductID: p.ID, Barcode: p.Barcode, Name: p.Name, Unit: p.Unit, Category: p.Category,
		Price: p.Price, Member: p.MemberPrice, ByWeight: p.ByWeight, Qty: qty,
	}
	if err := c.checkAmounts(len(c.Lines), line.unitPrice(c.Member), qty); err != nil {
		return err
	}
	c.Lines = append(c.Lines, line)
	return nil
}

// checkAmounts refuses line i (len(c.Lines) for a new line) at unit × q when
// that line, or the whole cart, would cost more than money.MaxFen: beyond it
// the totals cannot be spread over the lines (money.Allocate).
func (c *Cart) checkAmounts(i int, unit money.Fen, q Qty) error {
	gross := money.MulQty(unit, int64(q)) // unit ≤ MaxFen, q ≤ MaxQty: no overflow
	sum := gross
	for j, l := range c.Lines {
		if j != i {
			sum += money.MulQty(l.unitPrice(c.Member), int64(l.Qty))
		}
	}
	if gross > money.MaxFen || sum > money.MaxFen {
		return Errorf(CodeInvalid, "pos: line %d at %v × %v: %w", i, unit, q, ErrAmountTooLarge)
	}
	return nil
}

func checkQty(byWeight bool, q Qty) error {
	if q <= 0 || q > MaxQty {
		return Errorf(CodeInvalid, "pos: quantity %v: %w", q, ErrBadQty)
	}
	if !byWeight && !q.Whole() {
		return Errorf(CodeInvalid, "pos: quantity %v: %w", q, ErrWholeQtyNeeded)
	}
	return nil
}

// SetQty changes line i's quantity.
func (c *Cart) SetQty(i int, q Qty) error {
	if i < 0 || i >= len(c.Lines) {
		return Errorf(CodeInvalid, "pos: line %d: %w", i, ErrNoLine)
	}
	if err := checkQty(c.Lines[i].ByWeight, q); err != nil {
		return err
	}
	if err := c.checkAmounts(i, c.Lines[i].unitPrice(c.Member), q); err != nil {
		return err
	}
	c.Lines[i].Qty = q
	return nil
}

// Step adds delta pieces to line i (the +/- keys); a line reaching zero is removed.
func (c *Cart) Step(i int, delta Qty) error {
	if i < 0 || i >= len(c.Lines) {
		return Errorf(CodeInvalid, "pos: line %d: %w", i, ErrNoLine)
	}
	q := c.Lines[i].Qty + delta
	if q <= 0 {
		return c.Remove(i)
	}
	return c.SetQty(i, q)
}

// Remove deletes line i.
func (c *Cart) Remove(i int) error {
	if i < 0 || i >= len(c.Lines) {
		return Errorf(CodeInvalid, "pos: line %d: %w", i, ErrNoLine)
	}
	c.Lines = append(c.Lines[:i], c.Lines[i+1:]...)
	return nil
}

// Clear empties the cart, keeping its ID.
func (c *Cart) Clear() {
	c.Lines, c.Discount, c.Member, c.Note = nil, Discount{}, false, ""
}

// SetLineDiscount sets line i's discount.
func (c *Cart) SetLineDiscount(i int, d Discount) error {
	if i < 0 || i >= len(c.Lines) {
		return Errorf(CodeInvalid, "pos: line %d: %w", i, ErrNoLine)
	}
	if err := d.Validate(); err != nil {
		return err
	}
	c.Lines[i].Discount = d
	return nil
}

// SetDiscount sets the whole-order discount.
func (c *Cart) SetDiscount(d Discount) error {
	if err := d.Validate(); err != nil {
		return err
	}
	c.Discount = d
	return nil
}

// PricedLine is a cart line with its money worked out.
type PricedLine struct {
	CartLine
	UnitPrice    money.Fen // Price, or the member price, or the override
	OldPrice     money.Fen // the catalogue price an override replaced; 0 for none
	Gross        money.Fen // UnitPrice × Qty, rounded half up
	LineDiscount money.Fen
	OrderShare   money.Fen // this line's share of the order discount
	Amount       money.Fen // Gross − LineDiscount − OrderShare
}

// Totals is what the counter shows.
type Totals struct {
	Lines    []PricedLine
	Subtotal money.Fen // Σ Gross
	Discount money.Fen // line discounts + order discount
	Total    money.Fen // Σ Amount: what is due before cash rounding
	Items    int       // pieces, plus one per weighed line
}

// Totals prices the cart. The order discount is spread over the lines in
// proportion to what each line costs after its own discount.
func (c *Cart) Totals() Totals {
	t := Totals{Lines: make([]PricedLine, len(c.Lines))}
	nets := make([]money.Fen, len(c.Lines))
	var sumNet money.Fen
	for i, l := range c.Lines {
		unit := l.unitPrice(c.Member)
		gross := money.MulQty(unit, int64(l.Qty))
		pl := PricedLine{CartLine: l, UnitPrice: unit, Gross: gross, LineDiscount: l.Discount.off(gross)}
		if l.Override > 0 {
			pl.OldPrice = l.CataloguePrice(c.Member)
		}
		nets[i] = gross - pl.LineDiscount
		sumNet += nets[i]
		t.Lines[i] = pl
		t.Subtotal += gross
		t.Discount += pl.LineDiscount
		if l.ByWeight && !l.Qty.Whole() {
			t.Items++
		} else {
			t.Items += int(l.Qty / 1000)
		}
	}
	orderOff := c.Discount.off(sumNet)
	var shares []money.Fen
	if sumNet > 0 {
		shares = money.Allocate(orderOff, nets)
	} else {
		shares, orderOff = make([]money.Fen, len(nets)), 0
	}
	for i := range t.Lines {
		t.Lines[i].OrderShare = shares[i]
		t.Lines[i].Amount = nets[i] - shares[i]
		t.Total += t.Lines[i].Amount
	}
	t.Discount += orderOff
	return t
}
