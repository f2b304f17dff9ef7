package providersim

import (
	"encoding/json"
	"time"

	"zhanggui/pos/money"
)

// The acquirer's dynamic QR (B2C 主扫, UnionPay's reqType 0510000903 "apply
// QR", PROTOCOLS.md §4.1), in the simulator's own acquirer API:
//
//	/v1/qr/precreate  {order_no, amount_fen, subject, store_id, expire_seconds (60–7200, 0: 7200)}
//	                  → the order answer (status NOTPAY) with qr_code
//	                  (https://qr.95516.com/00010000/…) and expires_at
//	/v1/qr/close      {order_no}   closes an unpaid QR order (CLOSED); 12 once paid
//
// The order is NOTPAY until a customer scans the code (CustomerScan),
// PAYING while they confirm, SUCCESS once CustomerPay charges them; the
// charge is booked in the ledger and the acquirer's bill like a code
// payment. /v1/query reads it, /v1/reverse closes it unpaid or gives the
// money back once paid. Unlike Alipay's precreate the acquirer knows the
// order from the start, so a close is final: nobody can pay it afterwards.

// acquirerQRMax is the longest (and default) life of an acquirer QR [U].
const acquirerQRMax = 2 * time.Hour

// acqQRInput holds the precreate's field that other calls lack.
type acqQRInput struct {
	ExpireSeconds int64 `json:"expire_seconds"`
}

// acqQRTTL is how long a precreated QR stays payable; ok false for an
// out-of-range expire_seconds.
func acqQRTTL(body []byte) (time.Duration, bool) {
	var in acqQRInput
	if json.Unmarshal(body, &in) != nil {
		return 0, false
	}
	switch {
	case in.ExpireSeconds == 0:
		return acquirerQRMax, true
	case in.ExpireSeconds < 60 || time.Duration(in.ExpireSeconds)*time.Second > acquirerQRMax:
		return 0, false
	}
	return time.Duration(in.ExpireSeconds) * time.Second, true
}

// acqQRPrecreate is POST /v1/qr/precreate: a dynamic UnionPay QR for the
// customer to scan (云闪付 or a bank app). Repeating it for an open order
// answers the same code; for a paid one, the paid order.
func (s *Sim) acqQRPrecreate(body []byte) (obj, delivery) {
	q, bad := parseAcq(body, true)
	if bad != nil {
		return bad, delivery{}
	}
	ttl, ok := acqQRTTL(body)
	switch {
	case q.AmountFen <= 0 || money.Fen(q.AmountFen) > money.MaxFen:
		return acqResp(acqFormat, "amount_fen 须为正整数（分）"), delivery{}
	case !ok:
		return acqResp(acqFormat, "expire_seconds 须在 60 到 7200 之间"), delivery{}
	}
	res := s.createQRLocked(payReq{provider: UnionPay, kind: kindQR, outTradeNo: q.OrderNo,
		amount: money.Fen(q.AmountFen), subject: q.Subject, storeID: q.StoreID}, ttl)
	switch {
	case res.sys:
		return acqResp(acqSystem, ""), res.d
	case res.fail == fOrderPaid:
		return s.acqOrder(res.t), res.d
	case res.fail != fNone:
		return acqResp(acqFailCode(res.fail), ""), res.d
	}
	return s.acqQRAnswer(res.t), res.d
}

// acqQRAnswer is the order answer of an open QR order, with its code.
func (s *Sim) acqQRAnswer(t *trade) obj {
	return append(s.acqOrder(t), field{"qr_code", t.qrCode},
		field{"expires_at", t.qrExpires.In(beijing).Format(time.RFC3339)})
}

// acqQRClose is POST /v1/qr/close {order_no}: an unpaid QR order is closed
// for good (closing it again is fine); a paid one is 12, a code payment's
// order 12 too (reverse it instead).
func (s *Sim) acqQRClose(body []byte) (obj, delivery) {
	q, bad := parseAcq(body, true)
	if bad != nil {
		return bad, delivery{}
	}
	early, d, sys := s.acqScripted(q.OrderNo)
	if early != nil {
		return early, d
	}
	t := s.findLocked(UnionPay, q.OrderNo, "")
	switch {
	case t == nil:
		return acqResp(acqNoOrder, ""), d
	case t.kind != kindQR:
		return acqResp(acqBadState, "付款码交易请用撤销"), d
	}
	f := s.closeLocked(t)
	switch {
	case sys:
		return acqResp(acqSystem, ""), d
	case f != fNone:
		return acqResp(acqBadState, "订单已支付，请用撤销或退款"), d
	}
	return s.acqOrder(t), d
}
