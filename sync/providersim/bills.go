package providersim

import (
	"net/http"
	"strings"
	"time"

	"zhanggui/pos/money"
)

// Bills are built from the simulator's own ledger (Charges) for one
// Beijing-time day or month, kept under a random token and fetched by a
// download URL.

// billFile is a generated bill waiting to be downloaded.
type billFile struct {
	data        []byte
	contentType string
	name        string
	expires     time.Time
	once        bool // the URL works once (Alipay)
	used        bool
}

// putBill stores a bill and returns its token. Callers hold s.mu.
func (s *Sim) putBill(f *billFile) string {
	now := s.now()
	for tok, b := range s.bills { // expired bills would pile up in a long demo
		if now.After(b.expires) {
			delete(s.bills, tok)
		}
	}
	tok := s.alnum(32, mixedAlnum)
	s.bills[tok] = f
	return tok
}

// takeBill returns the bill of tok if it is still valid, using it up if it
// works once.
func (s *Sim) takeBill(tok string) *billFile {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.bills[tok]
	if f == nil || f.used || s.now().After(f.expires) {
		return nil
	}
	if f.once {
		f.used = true
	}
	return f
}

// handleBillDownload serves an Alipay bill_download_url: a plain GET with
// no signature, once, within Windows.AlipayBillURL.
func (s *Sim) handleBillDownload(w http.ResponseWriter, r *http.Request) {
	f := s.takeBill(r.URL.Query().Get("fileId"))
	if f == nil {
		http.Error(w, "bill not found or link expired", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+f.name+`"`)
	_, _ = w.Write(f.data) // the client's problem if it went away
}

// period is a bill's time range [from, to), Beijing time.
type period struct {
	from, to time.Time
	monthly  bool
}

// parseBillDate reads yyyy-MM-dd (a day) or yyyy-MM (a month). A bill is
// ready only once its period has ended, and none goes back before 2016.
func (s *Sim) parseBillDate(date string) (period, bool) {
	var p period
	if d, err := time.ParseInLocation("2006-01-02", date, beijing); err == nil {
		p = period{from: d, to: d.AddDate(0, 0, 1)}
	} else if m, err := time.ParseInLocation("2006-01", date, beijing); err == nil {
		p = period{from: m, to: m.AddDate(0, 1, 0), monthly: true}
	} else {
		return p, false
	}
	earliest := time.Date(2016, 1, 1, 0, 0, 0, 0, beijing)
	return p, !p.from.Before(earliest) && !s.now().Before(p.to)
}

// billCharges returns the charges of provider p (or, for the acquirer,
// its namespace) in the period, in order. Callers hold s.mu.
func (s *Sim) billCharges(p Provider, per period) []Charge {
	var out []Charge
	for _, c := range s.charges {
		if c.Provider == p && !c.At.Before(per.from) && c.At.Before(per.to) {
			out = append(out, c)
		}
	}
	return out
}

// csvLine joins cells as one CSV line, quoting a cell only when it must.
func csvLine(cells ...string) string {
	var b strings.Builder
	for i, c := range cells {
		if i > 0 {
			b.WriteByte(',')
		}
		if strings.ContainsAny(c, ",\"\n\r") {
			c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
		}
		b.WriteString(c)
	}
	b.WriteByte('\n')
	return b.String()
}

// neg formats −f as yuan ("-0.53"); zero stays "0.00".
func neg(f money.Fen) string {
	if f == 0 {
		return "0.00"
	}
	return (-f).String()
}
