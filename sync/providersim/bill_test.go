package providersim

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"zhanggui/pos/money"
)

// alipayBill is a parsed Alipay detail file: rows by header name.
type alipayBill struct {
	entries []string            // entry names, decoded from GBK
	rows    []map[string]string // detail rows, cells without their TABs
	lines   []string            // the whole detail file
}

// parseAlipayBill reads a bill zip the way a reconciler must: GBK names,
// GBK content, the rows between the two 业务明细列表 markers, by header.
func parseAlipayBill(t *testing.T, data []byte) alipayBill {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var b alipayBill
	dec := simplifiedchinese.GBK.NewDecoder()
	for _, f := range zr.File {
		if !f.NonUTF8 {
			t.Errorf("entry %q has the UTF-8 flag", f.Name)
		}
		name, err := dec.String(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		b.entries = append(b.entries, name)
		if !strings.HasSuffix(name, "_业务明细.csv") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(rc)
		rc.Close()
		text, err := dec.String(string(raw))
		if err != nil {
			t.Fatal(err)
		}
		b.lines = strings.Split(strings.TrimSuffix(text, "\n"), "\n")
		b.rows = detailRows(t, b.lines)
	}
	return b
}

func detailRows(t *testing.T, lines []string) []map[string]string {
	t.Helper()
	start, end := -1, -1
	for i, l := range lines {
		switch {
		case strings.Contains(l, "业务明细列表结束"):
			end = i
		case strings.Contains(l, "业务明细列表"):
			start = i
		}
	}
	if start < 0 || end < start+1 {
		t.Fatalf("no detail markers in %q", lines)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.Join(lines[start+1:end], "\n"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, h := range recs[0] {
			row[h] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, row)
	}
	return rows
}

// sumColumn adds a yuan column exactly.
func sumColumn(t *testing.T, rows []map[string]string, col string) money.Fen {
	t.Helper()
	var sum money.Fen
	for _, r := range rows {
		v, negative := strings.CutPrefix(r[col], "-")
		f, err := money.Parse(v)
		if err != nil {
			t.Fatalf("%s %q: %v", col, r[col], err)
		}
		if negative {
			f = -f
		}
		sum += f
	}
	return sum
}

func (c *alipayClient) billURL(t *testing.T, date string) (string, alipayResp) {
	t.Helper()
	r, err := c.call("alipay.data.dataservice.bill.downloadurl.query", map[string]any{"bill_type": "trade", "bill_date": date})
	if err != nil {
		t.Fatal(err)
	}
	return r.str("bill_download_url"), r
}

func get(t *testing.T, u string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestAlipayBill(t *testing.T) {
	e := newEnv(t, nil)
	c := e.alipay(t)
	e.clock.Set(time.Date(2025, 3, 10, 23, 59, 58, 0, beijing))
	r, err := c.pay("D1", e.sim.NewPaymentCode(Alipay, "bill"), 1000)
	want(t, "pay at 23:59:58", r, err, "10000", "")
	e.clock.Advance(3 * time.Second) // 00:00:01 the next day
	r, err = c.pay("D2", e.sim.NewPaymentCode(Alipay, "bill"), 2000)
	want(t, "pay after midnight", r, err, "10000", "")
	r, err = c.call("alipay.trade.refund", map[string]any{"out_trade_no": "D1", "refund_amount": "3.00", "out_request_no": "D1R"})
	want(t, "refund", r, err, "10000", "")

	_, r = c.billURL(t, "2025-03-11")
	if r.str("sub_code") != "isp.bill_not_exist" {
		t.Errorf("bill of today = %v, want isp.bill_not_exist", r)
	}
	e.clock.Set(time.Date(2025, 3, 12, 10, 0, 0, 0, beijing))
	for _, tt := range []billDay{
		{"2025-03-10", 1, 1000, -6, "D1"},            // the 23:59:58 payment stays on its day
		{"2025-03-11", 2, 2000 - 300, -12 + 2, "D2"}, // 0.6% of 3.00 = 0.018 → 0.02 back
	} {
		checkAlipayBillDay(t, c, tt)
	}
	refund := parseAlipayBillFor(t, c, "2025-03-11").rows[1]
	if refund["业务类型"] != "退款" || refund["退款批次号/请求号"] != "D1R" || refund["订单金额（元）"] != "-3.00" {
		t.Errorf("refund row = %v", refund)
	}
	u, _ := c.billURL(t, "2025-03-10")
	e.clock.Advance(31 * time.Second)
	if status, _ := get(t, u); status != http.StatusNotFound {
		t.Errorf("download after 31 s: %d, want 404", status)
	}
	_, r = c.billURL(t, "2015-12-31")
	if r.str("sub_code") != "isp.bill_not_exist" {
		t.Errorf("bill of 2015 = %v", r)
	}
	if _, r = c.billURL(t, "2025-03"); r.str("sub_code") != "isp.bill_not_exist" {
		t.Errorf("bill of the running month = %v", r)
	}
	e.clock.Set(time.Date(2025, 4, 1, 0, 0, 0, 0, beijing))
	month := parseAlipayBillFor(t, c, "2025-03")
	if n, net := len(month.rows), sumColumn(t, month.rows, "商家实收（元）"); n != 3 || net != 1000+2000-300 {
		t.Errorf("month bill: %d rows, net %v; want 3 rows, 27.00", n, net)
	}
	if got := fmt.Sprint(e.sim.Charges()[0].At.In(beijing).Format("15:04:05")); got != "23:59:58" {
		t.Errorf("first charge at %s", got)
	}
}

func parseAlipayBillFor(t *testing.T, c *alipayClient, date string) alipayBill {
	t.Helper()
	u, r := c.billURL(t, date)
	if u == "" {
		t.Fatalf("bill URL for %s: %v", date, r)
	}
	_, data := get(t, u)
	return parseAlipayBill(t, data)
}

// billDay is what one day's Alipay bill must hold.
type billDay struct {
	date         string
	rows         int
	net, fee     money.Fen
	firstOrderNo string
}

// checkAlipayBillDay downloads a day's bill, checks it against want and
// checks that the link works only once.
func checkAlipayBillDay(t *testing.T, c *alipayClient, want billDay) {
	t.Helper()
	u, r := c.billURL(t, want.date)
	if u == "" {
		t.Fatalf("bill URL for %s: %v", want.date, r)
	}
	status, data := get(t, u)
	if status != 200 {
		t.Fatalf("download %s: %d %s", want.date, status, data)
	}
	b := parseAlipayBill(t, data)
	if len(b.entries) != 2 || len(b.rows) != want.rows {
		t.Fatalf("bill %s: entries %q, %d rows; want 2 entries, %d rows", want.date, b.entries, len(b.rows), want.rows)
	}
	if got := sumColumn(t, b.rows, "商家实收（元）"); got != want.net {
		t.Errorf("bill %s: Σ商家实收 = %v, want %v", want.date, got, want.net)
	}
	if got := sumColumn(t, b.rows, "服务费（元）"); got != want.fee {
		t.Errorf("bill %s: Σ服务费 = %v, want %v", want.date, got, want.fee)
	}
	if b.rows[0]["商户订单号"] != want.firstOrderNo || b.rows[0]["业务类型"] != "交易" {
		t.Errorf("bill %s: first row %v", want.date, b.rows[0])
	}
	if status, _ := get(t, u); status != http.StatusNotFound {
		t.Errorf("second download of %s: %d, want 404 (the link works once)", want.date, status)
	}
}
