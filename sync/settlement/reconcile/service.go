// Package reconcile runs the accountant's morning job end to end: fetch or
// import the providers' bills, read the till's records around the day,
// match them with sync/settlement, store the results (a re-run replaces
// them; resolutions stay), and write the workbook with reports. It also
// holds the headless commands (`zhanggui reconcile`, `zhanggui bills
// import`) for app to wire.
//
// It is where settlement, storage and reports meet, so it imports all
// three; none of them imports it. The provider clients reach it only as
// BillSources, declared here.
package reconcile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/sync/settlement"
)

// BillSource downloads a channel's bill of a Beijing day as the provider
// serves it (*alipay.Client and *wechatpay.Client are ones). No bill for
// the day is an error with pos.CodeNotFound.
type BillSource interface {
	DownloadBill(ctx context.Context, day time.Time) ([]byte, error)
}

// Service reconciles days against one till's database.
type Service struct {
	DB      *storage.DB
	Sources map[settlement.Channel]BillSource // channels without one are imported by hand
	Config  settlement.Config
	Now     func() time.Time // nil: time.Now
	// Progress, if set, hears how far a range has got: steps done of all,
	// a step being the bills of a day fetched or a day reconciled.
	Progress func(done, total int)
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// billReadyAfter is how long after midnight ending a day its bill is sure
// to be made: WeChat Pay makes it after 09:00 and serves it from 10:00
// (PROTOCOLS.md §2.5); Alipay's and the acquirer's are assumed no later.
// Before then "no bill" means "not yet"; after, it means nothing was paid
// or refunded that day.
const billReadyAfter = 10 * time.Hour

// Fetch is what fetching one channel's bill of a day came to.
type Fetch struct {
	Channel settlement.Channel
	Day     time.Time
	Rows    int   // rows stored; 0 for an empty day
	Stored  bool  // a bill of the day is in the database now
	Already bool  // it was there before: nothing was downloaded
	Err     error // why there is none; nil when Stored
}

// FetchBills downloads and stores day's bill of every channel with a
// source that does not have one stored yet. A failure is reported in the
// channel's Fetch, not returned: the other channels go on. No bill after
// the bill is due means a day without trades, stored as an empty bill.
func (s *Service) FetchBills(ctx context.Context, day time.Time) []Fetch {
	day = settlement.DayOf(day)
	var out []Fetch
	for _, ch := range settlement.Channels {
		if src, ok := s.Sources[ch]; ok {
			out = append(out, s.fetch(ctx, ch, src, day))
		}
	}
	return out
}

func (s *Service) fetch(ctx context.Context, ch settlement.Channel, src BillSource, day time.Time) Fetch {
	f := Fetch{Channel: ch, Day: day}
	_, err := s.DB.LatestBill(ctx, string(ch), day)
	switch {
	case err == nil:
		f.Stored, f.Already = true, true
		return f
	case !errors.Is(err, storage.ErrNotFound):
		f.Err = err
		return f
	}
	data, err := src.DownloadBill(ctx, day)
	switch {
	case err != nil && pos.ErrorCode(err) == pos.CodeNotFound && !s.now().Before(day.AddDate(0, 0, 1).Add(billReadyAfter)):
		data = nil // the bill is due: none means an empty day
	case err != nil:
		f.Err = err
		return f
	}
	var b settlement.Bill
	if data != nil {
		if b, err = settlement.Parse(ch, data); err != nil {
			f.Err = err
			return f
		}
	}
	f.Rows, f.Err = s.storeDay(ctx, ch, day, "download", digest(data), b.Rows)
	f.Stored = f.Err == nil
	return f
}

// digest is the hex SHA-256 of a bill file.
func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// storeDay stores the rows of rows that fall on day as the day's bill.
func (s *Service) storeDay(ctx context.Context, ch settlement.Channel, day time.Time, source, sha string, rows []settlement.Row) (int, error) {
	b := storage.Bill{Channel: string(ch), Day: day, Source: source, SHA256: sha}
	for i := range rows {
		if r := &rows[i]; settlement.DayOf(r.At).Equal(day) {
			b.Rows = append(b.Rows, storage.BillRow{Line: r.Line, Provider: string(r.Provider), Kind: r.Kind.String(),
				OutTradeNo: r.OutTradeNo, TradeNo: r.TradeNo, OutRefundNo: r.OutRefundNo, Amount: r.Amount, Fee: r.Fee, At: r.At,
				Coupon: r.Coupon, Unsettled: r.Unsettled})
		}
	}
	_, _, err := s.DB.SaveBill(ctx, b)
	return len(b.Rows), err
}

// ErrNoDay means an imported bill says nothing of the days it covers (a
// WeChat bill without rows): name the day.
var ErrNoDay = pos.Errorf(pos.CodeInvalid, "reconcile: the bill names no day; give the day it is for")

// ImportBill reads a bill file of channel ch by hand and stores it, one
// bill per day it covers: the days of its stated period, or those of its
// rows, or day when the file says neither (day may be zero otherwise). A
// malformed file is refused whole with the parser's *settlement.BillError,
// listing every bad line. It returns the days stored.
func (s *Service) ImportBill(ctx context.Context, ch settlement.Channel, name string, data []byte, day time.Time) ([]time.Time, error) {
	b, err := settlement.Parse(ch, data)
	if err != nil {
		return nil, err
	}
	days := b.Days()
	if len(days) == 0 && !day.IsZero() {
		days = []time.Time{settlement.DayOf(day)}
	}
	if len(days) == 0 {
		return nil, ErrNoDay
	}
	sha := digest(data)
	for _, d := range days {
		if _, err := s.storeDay(ctx, ch, d, name, sha, b.Rows); err != nil {
			return nil, fmt.Errorf("reconcile: import %s: %w", name, err)
		}
	}
	return days, nil
}

// Resolve notes that the difference with key is resolved: by whom and
// why. The note stays with the key through later re-runs.
func (s *Service) Resolve(ctx context.Context, key, who, note string) (storage.Resolution, error) {
	return s.DB.Resolve(ctx, key, who, note)
}
