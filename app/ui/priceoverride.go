package ui

import (
	"zhanggui/app/ui/approve"
	"zhanggui/pos"
	"zhanggui/pos/money"
)

// onPriceOverride (改价, Ctrl+P) asks for the selected line's new unit
// price and sets it, when who is at the till may (pos.ActPriceOverride):
// at once, after an approval, or not at all. A price the cashier mistyped
// is refused in the dialog and changes nothing.
//
// The override is audited by the gate when it is made (AuditPriceOverride:
// the line, the old and new price, who and who approved): the approver is
// known then, and a sale cancelled afterwards would otherwise leave no
// trace of it. The sale's own event, written in the sale's transaction,
// lists its overridden lines again (storage auditSale).
func (s *checkoutScreen) onPriceOverride() {
	l, ok := s.selectedLine()
	if !ok {
		return
	}
	i, member := s.selected, s.cart.Member
	old := l.CataloguePrice(member)
	now := s.cart.Totals().Lines[i].UnitPrice
	s.askText(Tf("New unit price of %s (catalogue %s, now %s)", l.Name, old.Yuan(), now.Yuan()), "", func(v string) error {
		price, err := pos.ParseOverride(v, l, member)
		if err != nil {
			return err
		}
		if err := s.locked(); err != nil {
			return err
		}
		s.app.gated(s.priceIntent(i, l, old, price), func(pos.Staff) error {
			return s.change1(func() error {
				if i >= len(s.cart.Lines) || s.cart.Lines[i].Barcode != l.Barcode {
					return pos.ErrNoLine // the cart changed while the approval was asked
				}
				_, err := s.cart.OverridePrice(i, price)
				return err
			})
		})
		return nil
	})
}

// priceIntent is the gated action of setting line i (l) from old to price.
func (s *checkoutScreen) priceIntent(i int, l pos.CartLine, old, price money.Fen) approve.Intent {
	return approve.Intent{Actions: []pos.Action{pos.ActPriceOverride},
		What:    Tf("Price of %s from %s to %s", l.Name, old.Yuan(), price.Yuan()),
		Subject: "cart:" + s.cart.ID, Detail: l.Name, Amount: price, Audit: pos.AuditPriceOverride,
		Data: map[string]any{"line": i, "name": l.Name, "barcode": l.Barcode,
			"old_fen": int64(old), "new_fen": int64(price)}}
}
