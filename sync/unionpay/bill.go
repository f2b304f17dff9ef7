package unionpay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
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
	ctx, cancel := context.WithTimeout(ctx, 4*c.timeout) // a bill is bigger than an answer
	defer cancel()
	body, err := json.Marshal(map[string]string{"bill_date": date, "tar_type": "GZIP"})
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	const path = "/v1/bill"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	ts, n := strconv.FormatInt(c.cfg.Now().Unix(), 10), nonce()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Acq-Merchant", c.cfg.MerchantID)
	req.Header.Set("X-Acq-Timestamp", ts)
	req.Header.Set("X-Acq-Nonce", n)
	req.Header.Set("X-Acq-Signature", c.mac(http.MethodPost+"\n"+path+"\n"+ts+"\n"+n+"\n"+string(body)+"\n"))
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBill+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("read bill: %w", err)
	case len(raw) > maxBill:
		return nil, fmt.Errorf("bill longer than %d bytes: %w", maxBill, ErrMalformed)
	case resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusUnauthorized:
		return nil, fmt.Errorf("HTTP %d: %w", resp.StatusCode, ErrHTTPStatus)
	}
	if err := c.verify(resp.Header, raw); err != nil {
		return nil, err
	}
	return billAnswer(resp.Header.Get("Content-Type"), raw)
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
