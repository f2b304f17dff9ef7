// Package cardpay takes contactless bank card payments (闪付) at the
// checkout, end to end: the payment row is saved as authorizing before
// the card is tapped, the card is charged through a cardterm.Terminal,
// and the sale with its card tender (debited to the card receivable) is
// booked in the same transaction as the payment's success.
//
// Online, the card's ARQC is authorized at the acquirer. Offline (the
// acquirer's link is down, or the card approved offline with a TC within
// the floor limit), a payment is accepted only within pos.OfflineLimits:
// the floor and the total exposure are checked before the tap when the
// link is known to be down, and everything (the card's uses today, by its
// token) again once the card has answered; over a limit the cashier is
// told why and offered cash, and the card's approval is dropped (a TC that
// is never uploaded charges nothing). An accepted offline approval is
// booked with its sealed capture record and the outbox job that uploads
// it (sync/outbox's CardCaptureHandler), all in one transaction.
//
// An outcome the till cannot trust (no answer to the authorization) is
// queried at the acquirer; if that gives no answer either, the order is
// reversed, so no customer pays for a sale the till does not show. A job
// saved with the authorizing row (ResolveCard) finishes what a crash or a
// lost link interrupted, the same way.
//
// Card numbers: the package sees only masked PANs and tokens; the
// terminal keeps the PAN in memory for the authorization, and seals it for
// an offline approval's upload. The package imports no other adapter: the
// store, the terminal, the acquirer and the outbox jobs are wired in app.
package cardpay
