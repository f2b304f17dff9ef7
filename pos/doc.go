// Package pos is the domain of the till: the catalogue, the cart and its
// pricing, completed sales with their tenders and journal entries, and the
// rules that decide them. It imports the standard library and pos/... only,
// so every rule is tested without a window, a database or a network
// (pos/deps_test.go keeps it so).
//
// Vocabulary, chosen once:
//
//	Sale     one checkout; screens say order (订单); Sale.No is the order number
//	Tender   the part of a sale paid one way (cash, payment code, card, ...)
//	Payment  one attempt at a provider, with its own out_trade_no and state
//	Refund   a new record returning money of a tender
//	Entry    pos/ledger: a balanced journal entry
//	Job      one outbox row: work that needs the network
package pos
