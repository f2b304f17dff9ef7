package unionpay

import (
	"context"
	"fmt"
	"sync"
	"time"

	"zhanggui/pos"
)

// DefaultQRTimeout is how long a precreated QR stays payable when
// Config.QRTimeout is zero: as the Alipay client's, a little longer than
// the till shows it, far shorter than the acquirer's 2 h, so a QR
// photographed and paid an hour later cannot charge anyone.
const DefaultQRTimeout = 5 * time.Minute

// reasonQR is what the cashier reads while the QR is up.
const reasonQR = "请顾客用云闪付或银行App扫码付款"

// closeCodes are the definite answers of a QR close besides success: 12
// means the order was paid (or is not a QR order), so the caller queries.
var closeCodes = map[string]result{
	"25": {pos.StatusNotFound, reasonNotFound},
	"12": failed("订单已付款或不能关闭，请查询订单"),
	"30": failed(reasonConfig),
	"A0": failed(reasonConfig),
}

// Precreate asks the acquirer for a dynamic UnionPay QR the customer scans
// with 云闪付 or a bank app (/v1/qr/precreate). Waiting with the QR means
// show it and poll Query; the order is NOTPAY until scanned, PAYING while
// the customer confirms. A repeat for a paid order answers Success.
// Unknown comes with a CodeUnavailable error: the order may exist, so
// query or Cancel it.
func (c *Client) Precreate(ctx context.Context, r pos.PayRequest) (pos.ProviderResult, error) {
	fen, err := toFen(r.Amount)
	if err != nil {
		return invalid("precreate", r.OutTradeNo, reasonAmount, err)
	}
	c.qr.add(r.OutTradeNo) // before sending: an unknown answer may still have made the order
	a, err := c.call(ctx, "/v1/qr/precreate", request{OrderNo: r.OutTradeNo, AmountFen: fen, Subject: r.Subject,
		StoreID: c.cfg.StoreID, ExpireSeconds: c.qrSeconds()})
	switch {
	case err != nil:
		return unknown("precreate", r.OutTradeNo, a, err)
	case a.RespCode == "00" && (a.Status == "NOTPAY" || a.Status == "PAYING"):
		return shown(r.OutTradeNo, a)
	case a.RespCode == "00":
		return order("precreate", r.OutTradeNo, a)
	}
	return refusal("precreate", r.OutTradeNo, a, payCodes)
}

// shown is the result of an open QR order: its code to show.
func shown(outTradeNo string, a answer) (pos.ProviderResult, error) {
	if err := sameOrder(outTradeNo, a); err != nil {
		return unknown("precreate", outTradeNo, a, err)
	}
	if a.QRCode == "" {
		return unknown("precreate", outTradeNo, a, fmt.Errorf("%w: no qr_code", ErrMalformed))
	}
	return pos.ProviderResult{Status: pos.StatusWaiting, QR: a.QRCode, TradeNo: a.TxnNo, Code: a.codes(),
		Reason: reasonQR}, nil
}

// qrSeconds is the expire_seconds of a precreate, within the acquirer's
// 60–7200.
func (c *Client) qrSeconds() int64 {
	d := c.cfg.QRTimeout
	if d <= 0 {
		d = DefaultQRTimeout
	}
	return min(max(int64(d/time.Second), 60), 7200)
}

// closeQR closes a QR order (/v1/qr/close): Closed means nobody can pay
// it any more; Failed (12) that it was paid, so the caller queries it.
func (c *Client) closeQR(ctx context.Context, outTradeNo string) (pos.ProviderResult, error) {
	a, err := c.call(ctx, "/v1/qr/close", request{OrderNo: outTradeNo})
	switch {
	case err != nil:
		return unknown("close", outTradeNo, a, err)
	case a.RespCode == "00" && a.Status == "CLOSED":
		if err := sameOrder(outTradeNo, a); err != nil {
			return unknown("close", outTradeNo, a, err)
		}
		return pos.ProviderResult{Status: pos.StatusClosed, TradeNo: a.TxnNo, Code: a.codes(), Reason: reasonClosed}, nil
	case a.RespCode == "00":
		return unknown("close", outTradeNo, a, fmt.Errorf("%w: closed order is %s", ErrUnexpected, a.Status))
	}
	return refusal("close", outTradeNo, a, closeCodes)
}

// qrOrders remembers the last order numbers precreated by this client, so
// Cancel closes them rather than reversing. A QR order made before a
// restart is reversed instead, which closes it just as well.
type qrOrders struct {
	mu    sync.Mutex
	set   map[string]struct{}
	order []string
}

// qrRemembered bounds qrOrders.
const qrRemembered = 4096

func (q *qrOrders) add(no string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, ok := q.set[no]; ok {
		return
	}
	if q.set == nil {
		q.set = map[string]struct{}{}
	}
	if len(q.order) == qrRemembered {
		delete(q.set, q.order[0])
		q.order = q.order[1:]
	}
	q.set[no] = struct{}{}
	q.order = append(q.order, no)
}

func (q *qrOrders) has(no string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	_, ok := q.set[no]
	return ok
}
