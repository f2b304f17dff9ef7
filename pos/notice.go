package pos

// LateRefundNo is the out_refund_no of the automatic refund of a late
// success (a payment found paid after its sale was settled another way):
// derived from its out_trade_no, so every retry, and the reconciliation,
// know it without a record of its own.
func LateRefundNo(outTradeNo string) string { return "LR" + outTradeNo }

// PaymentNoticeKind says what a PaymentNotice is about.
type PaymentNoticeKind string

// Notices for the cashier.
const (
	// NoticeLatePaid: a payment the till had stopped waiting for was paid
	// and its cart still waits: complete the sale with it.
	NoticeLatePaid PaymentNoticeKind = "late_paid"
	// NoticeLateRefund: a late success whose sale was completed without it
	// (or let go) is being refunded to the customer.
	NoticeLateRefund PaymentNoticeKind = "late_refund"
	// NoticeLateRefunded: that refund went through.
	NoticeLateRefunded PaymentNoticeKind = "late_refunded"
	// NoticeLateRefundFailed: the provider refused that refund; the money
	// must be returned by hand.
	NoticeLateRefundFailed PaymentNoticeKind = "late_refund_failed"
	// NoticeConflict: the provider says a payment the till holds as
	// failed or cancelled was paid. Nothing is booked; check it by hand.
	NoticeConflict PaymentNoticeKind = "conflict"
	// NoticeBadNotification: a notification failed verification and was
	// ignored (a forged or damaged message, or a key mix-up).
	NoticeBadNotification PaymentNoticeKind = "bad_notification"
)

// PaymentNotice is something that happened to a payment while no cashier was
// waiting for it. The screen words it (by Kind) in the cashier's language;
// Why is for the log.
type PaymentNotice struct {
	Kind    PaymentNoticeKind
	Payment Payment
	Why     string
}
