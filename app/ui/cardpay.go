package ui

// CardDeps is what card payments at the checkout need.
// TODO(cards): filled in by the card payments work.
type CardDeps struct{}
