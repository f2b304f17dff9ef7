package providersim

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"zhanggui/pos/money"
)

// The acquirer's daily bill (our design; sync/settlement/acquirer.go reads
// it): POST /acquirer/v1/bill with {"bill_date": "yyyy-MM-dd", "tar_type":
// "GZIP" (optional)}, signed like every acquirer call. The answer is the
// bill itself, UTF-8 CSV (gzip when asked), signed with the same
// X-Acq-Timestamp, -Nonce and -Signature headers over the bytes sent; a
// refusal is the usual signed JSON: 30 for a bad date, B1 while the bill is
// not made yet (before acquirerBillReady the next day) or older than
// acquirerBillKept. A day without trades gets a bill with no rows.

// acquirerBillReady is when a day's bill can be fetched: 06:00 the next
// day, after the acquirer's overnight settlement run [U].
const acquirerBillReady = 6 * time.Hour

// acquirerBillKept is how far back bills can be fetched.
const acquirerBillKept = 180 * 24 * time.Hour

// acqNoBill is the answer while a bill cannot be had.
const acqNoBill = "B1"

var acquirerBillHeader = "交易时间,交易类型,钱包,商户订单号,退款单号,收单流水号,交易金额(元),手续费(元),清算金额(元)\n"

// handleAcquirerBill serves POST /acquirer/v1/bill.
func (s *Sim) handleAcquirerBill(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBody))
	if err != nil {
		s.writeAcq(w, http.StatusBadRequest, acqResp(acqFormat, "请求体过大"), false)
		return
	}
	if detail := s.acqVerify(r, body); detail != "" {
		s.writeAcq(w, http.StatusUnauthorized, acqResp(acqBadMAC, detail), false)
		return
	}
	var q struct {
		BillDate string `json:"bill_date"`
		TarType  string `json:"tar_type"`
	}
	if err := json.Unmarshal(body, &q); err != nil || q.TarType != "" && q.TarType != "GZIP" {
		s.writeAcq(w, http.StatusOK, acqResp(acqFormat, "bill_date 须为 yyyy-MM-dd，tar_type 可为 GZIP"), false)
		return
	}
	day, err := time.ParseInLocation("2006-01-02", q.BillDate, beijing)
	if err != nil {
		s.writeAcq(w, http.StatusOK, acqResp(acqFormat, "bill_date 须为 yyyy-MM-dd"), false)
		return
	}
	s.mu.Lock()
	data, msg := s.acquirerBill(day)
	s.mu.Unlock()
	if msg != "" {
		s.writeAcq(w, http.StatusOK, obj{{"resp_code", acqNoBill}, {"resp_msg", msg}}, false)
		return
	}
	if q.TarType == "GZIP" {
		data = gzipped(data)
	}
	s.writeAcqBill(w, data, q.TarType == "GZIP", "acquirer_"+day.Format("20060102")+".csv")
}

// acquirerBill writes the bill of day from the ledger, or says why there
// is none. Callers hold s.mu.
func (s *Sim) acquirerBill(day time.Time) ([]byte, string) {
	now := s.now()
	switch {
	case now.Before(day.AddDate(0, 0, 1).Add(acquirerBillReady)):
		return nil, "账单尚未生成"
	case now.Sub(day) > acquirerBillKept:
		return nil, "超过账单保存期限"
	}
	per := period{from: day, to: day.AddDate(0, 0, 1)}
	const cn = "2006年01月02日 15:04:05"
	var b strings.Builder
	fmt.Fprintf(&b, "#收单机构交易明细对账单\n#商户号：[%s]\n#起始日期：[%s]   终止日期：[%s]\n",
		s.creds.Acquirer.MerchantID, per.from.Format(cn), per.to.Format(cn))
	b.WriteString(acquirerBillHeader)
	var n int
	var amount, fee, net money.Fen
	for _, c := range s.acquirerCharges(per) {
		typ, a, f := "消费", c.Amount, c.Fee
		switch c.Kind {
		case ChargeRefund:
			typ, a, f = "退货", -c.Amount, -c.Fee
		case ChargeReversal:
			typ, a, f = "撤销", -c.Amount, -c.Fee
		}
		b.WriteString(csvLine(c.At.In(beijing).Format(alipayTimeLayout), typ, strings.ToUpper(string(c.Provider)),
			c.OutTradeNo, c.OutRefundNo, c.TradeNo, a.String(), f.String(), (a - f).String()))
		n, amount, fee, net = n+1, amount+a, fee+f, net+a-f
	}
	fmt.Fprintf(&b, "#合计：%d笔，交易金额%v元，手续费%v元，清算金额%v元\n", n, amount, fee, net)
	return []byte(b.String()), ""
}

// acquirerCharges returns the acquirer's charges (UnionPay QR, e-CNY,
// cards) in the period, in booking order. Callers hold s.mu.
func (s *Sim) acquirerCharges(per period) []Charge {
	var out []Charge
	for _, c := range s.charges {
		if c.Provider.namespace() == "acquirer" && !c.At.Before(per.from) && c.At.Before(per.to) {
			out = append(out, c)
		}
	}
	return out
}

// writeAcqBill sends a bill signed as writeAcq signs JSON answers.
func (s *Sim) writeAcqBill(w http.ResponseWriter, data []byte, gz bool, name string) {
	ts, nonce := strconv.FormatInt(s.now().Unix(), 10), s.nonce()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	if gz {
		w.Header().Set("Content-Type", "application/gzip")
		name += ".gz"
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("X-Acq-Timestamp", ts)
	w.Header().Set("X-Acq-Nonce", nonce)
	w.Header().Set("X-Acq-Signature", s.acqMAC(ts+"\n"+nonce+"\n"+string(data)+"\n"))
	_, _ = w.Write(data) // the client's problem if it went away
}

// gzipped compresses data.
func gzipped(data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(data) // writes to a bytes.Buffer cannot fail
	_ = zw.Close()
	return buf.Bytes()
}
