package alipay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"zhanggui/pos"
)

// ErrNoBill means Alipay has no bill for the day asked (isp.bill_not_exist):
// the day is not over, or too old. It comes with pos.CodeNotFound.
var ErrNoBill = errors.New("alipay: no bill for that day")

// maxBill bounds a downloaded bill zip: a month of a busy shop is a few MB.
const maxBill = 256 << 20

// billBiz is the biz_content of alipay.data.dataservice.bill.downloadurl.query.
type billBiz struct {
	BillType string `json:"bill_type"`
	BillDate string `json:"bill_date"`
}

// DownloadBill fetches the trade bill (业务明细, bill_type trade) of the
// Beijing-time day that day falls on (PROTOCOLS.md §1.8):
// alipay.data.dataservice.bill.downloadurl.query for a bill_download_url,
// then a plain GET of that URL, which works once and for 30 s. It returns
// the zip as downloaded (GBK CSV entries; sync/settlement parses it).
//
// No bill for the day is ErrNoBill with pos.CodeNotFound. Anything else
// that goes wrong (network, signature, an expired link) has
// pos.CodeUnavailable: ask again later.
func (c *Client) DownloadBill(ctx context.Context, day time.Time) ([]byte, error) {
	date := day.In(beijing).Format("2006-01-02")
	u, err := c.billURL(ctx, date)
	if err != nil {
		return nil, err
	}
	data, err := c.getBill(ctx, u)
	if err != nil {
		return nil, pos.Errorf(pos.CodeUnavailable, "alipay: bill %s: %w", date, err)
	}
	return data, nil
}

// billURL asks for the bill's download URL and checks the answer's
// signature over the node's exact text.
func (c *Client) billURL(ctx context.Context, date string) (string, error) {
	const method = "alipay.data.dataservice.bill.downloadurl.query"
	body, err := c.post(ctx, method, billBiz{BillType: "trade", BillDate: date})
	if err != nil {
		return "", pos.Errorf(pos.CodeUnavailable, "alipay: bill %s: %w", date, err)
	}
	n, err := decodeResponse(body, nodeName(method), c.alipay)
	switch {
	case err != nil:
		return "", pos.Errorf(pos.CodeUnavailable, "alipay: bill %s: %w", date, err)
	case n.SubCode == "isp.bill_not_exist":
		return "", pos.Errorf(pos.CodeNotFound, "alipay: bill %s: %s %s: %w", date, n.codes(), n.SubMsg, ErrNoBill)
	case n.Code != "10000":
		return "", pos.Errorf(pos.CodeUnavailable, "alipay: bill %s: %s %s: %w", date, n.codes(), n.SubMsg, ErrUnexpected)
	}
	// The node was verified above; read the one field node does not hold.
	r, _ := parseResponse(body, nodeName(method)) // parsed once already: cannot fail
	var bn struct {
		URL string `json:"bill_download_url"`
	}
	if err := json.Unmarshal(r.raw, &bn); err != nil || !strings.HasPrefix(bn.URL, "http") {
		return "", pos.Errorf(pos.CodeUnavailable, "alipay: bill %s: no bill_download_url: %w", date, ErrMalformed)
	}
	return bn.URL, nil
}

// post signs and sends one request and returns the answer's body.
func (c *Client) post(ctx context.Context, method string, biz any) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	form, err := c.form(method, biz)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.Gateway, strings.NewReader(form))
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
	return c.fetch(req, maxResponse)
}

// getBill downloads the bill zip: an unsigned GET.
func (c *Client) getBill(ctx context.Context, u string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 4*c.timeout) // a bill is larger than an answer
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	return c.fetch(req, maxBill)
}

// fetch runs req and reads at most limit bytes of a 200 answer.
func (c *Client) fetch(req *http.Request, limit int64) ([]byte, error) {
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("read answer: %w", err)
	case int64(len(body)) > limit:
		return nil, fmt.Errorf("answer longer than %d bytes: %w", limit, ErrMalformed)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("HTTP %d: %w", resp.StatusCode, ErrHTTPStatus)
	}
	return body, nil
}
