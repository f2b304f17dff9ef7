package unionpay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"zhanggui/pos"
)

// ErrNoBill means the acquirer has no bill for the day asked (resp_code
// B1): not made yet (it is made overnight, ready from 06:00 the next day)
// or past the days it keeps. It comes with pos.CodeNotFound.
var ErrNoBill = errors.New("unionpay: no bill for that day")

// maxBill bounds a downloaded bill.
const maxBill = 256 << 20

// beijing is the acquirer's day boundary.
var beijing = time.FixedZone("CST", 8*3600)

// DownloadBill fetches the acquirer's bill (UnionPay QR, e-CNY and cards)
// of the Beijing-time day that day falls on: POST /v1/bill, signed like
// every call, answered with the gzip CSV that sync/settlement's
// ParseAcquirer reads, signed over its bytes. An answer whose signature
// does not verify is refused.
//
// No bill is ErrNoBill with pos.CodeNotFound; anything else that goes
// wrong has pos.CodeUnavailable (try again later).
func (c *Client) DownloadBill(ctx context.Context, day time.Time) ([]byte, error) {
	date := day.In(beijing).Format("2006-01-02")
	data, err := c.bill(ctx, date)
	switch {
	case errors.Is(err, ErrNoBill):
		return nil, pos.Errorf(pos.CodeNotFound, "unionpay: bill %s: %w", date, err)
	case err != nil:
		return nil, pos.Errorf(pos.CodeUnavailable, "unionpay: bill %s: %w", date, err)
	}
	return data, nil
}

// bill posts the request and returns the verified file.
func (c *Client) bill(ctx context.Context, date string) ([]byte, error) {
	body, err := json.Marshal(map[string]string{"bill_date": date, "tar_type": "GZIP"})
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	raw, contentType, err := c.send(ctx, "/v1/bill", body, maxBill, 4*c.timeout) // a bill is bigger than an answer
	if err != nil {
		return nil, err
	}
	return billAnswer(contentType, raw)
}

// billAnswer tells a bill from a refusal: JSON is a refusal.
func billAnswer(contentType string, raw []byte) ([]byte, error) {
	if !strings.HasPrefix(contentType, "application/json") {
		return raw, nil
	}
	a, err := parseAnswer(raw)
	switch {
	case err != nil:
		return nil, err
	case a.RespCode == "B1":
		return nil, fmt.Errorf("%w (%s)", ErrNoBill, a.RespMsg)
	}
	return nil, fmt.Errorf("%w: %s %s", ErrUnexpected, a.RespCode, a.RespMsg)
}
