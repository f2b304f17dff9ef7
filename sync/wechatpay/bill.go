package wechatpay

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"zhanggui/pos"
)

// ErrNoBill means WeChat Pay has no bill for the day asked ("No Bill
// Exist", NO_STATEMENT_EXIST): the bill is not ready yet (it is made after
// 09:00 the next day), the day is older than 3 months, or nothing was
// paid or refunded that day. It comes with pos.CodeNotFound.
var ErrNoBill = errors.New("wechatpay: no bill for that day")

// ErrBillHash means a v3 bill's SHA1 is not the one tradebill announced.
var ErrBillHash = errors.New("wechatpay: bill does not match its SHA1")

// maxBill bounds a downloaded bill, gzip or plain.
const maxBill = 256 << 20

// DownloadBill fetches the trade bill (bill_type ALL, gzip) of the
// Beijing-time day that day falls on (PROTOCOLS.md §2.5). With the v3 keys
// configured it uses GET /v3/bill/tradebill, downloads the file from the
// download_url (a signed request, an unsigned answer) and checks the SHA1
// of the unpacked text; without them, v2 /pay/downloadbill. It returns the
// file as received (gzip; sync/settlement parses it).
//
// No bill is ErrNoBill with pos.CodeNotFound; whether that means an empty
// day or a bill not made yet depends on the time of asking (ready from
// 10:00 the next day). Anything else has pos.CodeUnavailable.
func (c *Client) DownloadBill(ctx context.Context, day time.Time) ([]byte, error) {
	d := day.In(beijing)
	var data []byte
	var err error
	if c.v3 != nil {
		data, err = c.billV3(ctx, d.Format("2006-01-02"))
	} else {
		data, err = c.billV2(ctx, d.Format("20060102"))
	}
	switch {
	case errors.Is(err, ErrNoBill):
		return nil, pos.Errorf(pos.CodeNotFound, "wechatpay: bill %s: %w", d.Format("2006-01-02"), err)
	case err != nil:
		return nil, pos.Errorf(pos.CodeUnavailable, "wechatpay: bill %s: %w", d.Format("2006-01-02"), err)
	}
	return data, nil
}

// billV2 is /pay/downloadbill: the bill itself, or a FAIL message in XML
// (unsigned, by protocol).
func (c *Client) billV2(ctx context.Context, date string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 4*c.timeout)
	defer cancel()
	fields := map[string]string{"appid": c.cfg.AppID, "mch_id": c.cfg.MchID, "nonce_str": nonce(),
		"sign_type": c.cfg.SignType, "bill_date": date, "bill_type": "ALL", "tar_type": "GZIP"}
	fields["sign"] = signV2(fields, c.cfg.APIv2Key, c.cfg.SignType)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.BaseURL+"/pay/downloadbill",
		bytes.NewReader(encodeXML(fields)))
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	body, err := fetchBill(c.hc, req)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(bytes.TrimSpace(body), []byte("<xml")) {
		m, err := parseXML(body)
		switch {
		case err != nil:
			return nil, err
		case strings.Contains(m["return_msg"], "No Bill Exist"):
			return nil, fmt.Errorf("%s: %w", m["return_msg"], ErrNoBill)
		}
		return nil, fmt.Errorf("%w: %s %s", ErrReturnFail, m["return_code"], m["return_msg"])
	}
	return body, nil
}

// tradeBill is the answer of GET /v3/bill/tradebill.
type tradeBill struct {
	HashType    string `json:"hash_type"`
	HashValue   string `json:"hash_value"`
	DownloadURL string `json:"download_url"`
}

// billV3 asks tradebill for the link, downloads the file and checks its SHA1.
func (c *Client) billV3(ctx context.Context, date string) ([]byte, error) {
	q := url.Values{"bill_date": {date}, "bill_type": {"ALL"}, "tar_type": {"GZIP"}}
	a, err := c.callV3(ctx, http.MethodGet, "/v3/bill/tradebill?"+q.Encode(), nil)
	switch {
	case err != nil:
		return nil, err
	case a.err.Code == "NO_STATEMENT_EXIST":
		return nil, fmt.Errorf("%s: %w", a.err.Message, ErrNoBill)
	case a.status != http.StatusOK:
		return nil, fmt.Errorf("%w: HTTP %d %s %s", ErrUnexpected, a.status, a.err.Code, a.err.Message)
	}
	var tb tradeBill
	if err := json.Unmarshal(a.body, &tb); err != nil || tb.DownloadURL == "" || tb.HashType != "SHA1" {
		return nil, fmt.Errorf("%w: tradebill answer %.200s", ErrMalformed, a.body)
	}
	data, err := c.downloadV3(ctx, tb.DownloadURL)
	if err != nil {
		return nil, err
	}
	return data, checkSHA1(data, tb.HashValue)
}

// downloadV3 GETs a download_url. The request is signed over the URL's
// path and query; the answer is the file, unsigned (PROTOCOLS.md §2.2).
func (c *Client) downloadV3(ctx context.Context, link string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 4*c.timeout)
	defer cancel()
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("%w: download_url %q", ErrMalformed, link)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	auth, err := c.authorization(http.MethodGet, u.RequestURI(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", auth)
	return fetchBill(c.hc, req)
}

// checkSHA1 compares the SHA1 of the unpacked bill with want (hex).
func checkSHA1(data []byte, want string) error {
	plain := data
	if len(data) > 1 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("%w: gzip: %v", ErrMalformed, err)
		}
		defer zr.Close() // read only
		if plain, err = io.ReadAll(io.LimitReader(zr, 4*maxBill)); err != nil {
			return fmt.Errorf("%w: gzip: %v", ErrMalformed, err)
		}
	}
	sum := sha1.Sum(plain)
	if !strings.EqualFold(hex.EncodeToString(sum[:]), want) {
		return fmt.Errorf("%w: got %x, want %s", ErrBillHash, sum, want)
	}
	return nil
}

// fetchBill runs req and reads at most maxBill bytes of a 200 answer.
func fetchBill(hc *http.Client, req *http.Request) ([]byte, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBill+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("read bill: %w", err)
	case len(body) > maxBill:
		return nil, fmt.Errorf("bill longer than %d bytes: %w", maxBill, ErrMalformed)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("HTTP %d: %w", resp.StatusCode, ErrHTTPStatus)
	}
	return body, nil
}
