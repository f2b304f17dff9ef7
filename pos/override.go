package pos

import (
	"strings"

	"zhanggui/pos/money"
)

// A price override (改价) sets a cart line's unit price by hand. The line
// keeps the catalogue's price it replaced (OldPrice), as Odoo's French
// point of sale keeps the struck-through "old unit price": the receipt and
// the sale show both, and the audit names them.

// MaxOverrideFactor bounds an override: at most this many times the line's
// catalogue price, so that a slipped finger (3500 for 35.00) is refused.
const MaxOverrideFactor = 100

// ErrBadPrice refuses an override price: not an amount, zero, negative, or
// more than MaxOverrideFactor times the catalogue price.
var ErrBadPrice = Errorf(CodeInvalid, "pos: bad override price")

// Override is one price override of a cart line, for its audit.
type Override struct {
	Line     int // index into the cart's lines
	Name     string
	Barcode  string
	OldPrice money.Fen // the catalogue's price
	NewPrice money.Fen // what the line is sold at now
}

// CataloguePrice is the unit price the line has without an override: the
// catalogue's, or its member price when member prices apply.
func (l CartLine) CataloguePrice(member bool) money.Fen {
	if member && l.Member > 0 {
		return l.Member
	}
	return l.Price
}

// unitPrice is what a unit of the line sells at: the override, if any.
func (l CartLine) unitPrice(member bool) money.Fen {
	if l.Override > 0 {
		return l.Override
	}
	return l.CataloguePrice(member)
}

// ParseOverride reads a typed unit price ("12", "12.5", "¥12.50") for line
// l, refusing what CheckOverride refuses.
func ParseOverride(text string, l CartLine, member bool) (money.Fen, error) {
	t := strings.TrimSpace(text)
	t = strings.TrimPrefix(strings.TrimPrefix(t, "¥"), "￥")
	f, err := money.Parse(strings.TrimSpace(t))
	if err != nil {
		return 0, Errorf(CodeInvalid, "pos: override price %q: %w", text, ErrBadPrice)
	}
	return f, CheckOverride(l, member, f)
}

// CheckOverride tells whether price may replace line l's catalogue price:
// more than zero, at most MaxOverrideFactor times it (an item the catalogue
// prices at zero, an open price, takes any amount up to money.MaxFen).
func CheckOverride(l CartLine, member bool, price money.Fen) error {
	old := l.CataloguePrice(member)
	if price <= 0 || price > money.MaxFen || old > 0 && int64(price) > int64(old)*MaxOverrideFactor {
		return Errorf(CodeInvalid, "pos: override %v of %v: %w", price, old, ErrBadPrice)
	}
	return nil
}

// OverridePrice sells line i at price a unit from now on; the line keeps
// its catalogue price. Overriding back to that price clears the override.
func (c *Cart) OverridePrice(i int, price money.Fen) (Override, error) {
	if i < 0 || i >= len(c.Lines) {
		return Override{}, Errorf(CodeInvalid, "pos: line %d: %w", i, ErrNoLine)
	}
	l := &c.Lines[i]
	if err := CheckOverride(*l, c.Member, price); err != nil {
		return Override{}, err
	}
	if err := c.checkAmounts(i, price, l.Qty); err != nil {
		return Override{}, err
	}
	old := l.CataloguePrice(c.Member)
	l.Override = price
	if price == old {
		l.Override = 0
	}
	return Override{Line: i, Name: l.Name, Barcode: l.Barcode, OldPrice: old, NewPrice: price}, nil
}
