package pos

import (
	"errors"
	"time"

	"zhanggui/pos/money"
)

// Selling without a network: what the till may still accept, and why it
// refuses the rest (PROTOCOLS.md §6). The link's state is measured by
// sync/linkstate; the decisions are here.

// Link is how well a provider (or the till as a whole) can be reached.
type Link string

// Link states, with the words the status bar shows.
const (
	LinkOnline  Link = "online"  // 在线
	LinkOffline Link = "offline" // 离线: no answer for several tries in a row
	LinkPartial Link = "partial" // 部分可用: some calls fail, or some channels are away
)

// Reasons the cashier reads when a tender is refused offline; each ends by
// offering cash.
const (
	ReasonOfflineCode     = "网络不可用：付款码只能联网使用（一次性，不能事后扣款），请改收现金"
	ReasonOfflineFloor    = "超过脱机刷卡单笔限额，请改收现金"
	ReasonOfflineExposure = "脱机刷卡待上送总额已满，请改收现金"
	ReasonOfflineCardDay  = "此卡今日脱机交易次数已满，请改收现金"
	ReasonOfflineTooOld   = "有脱机刷卡交易超过上送时限未上送，暂停脱机刷卡，请改收现金"
)

// Errors of the offline rules. They are CodeInvalid: trying again cannot
// help, another tender can. OfflineReason gives the cashier's words.
var (
	// ErrOfflineCode refuses a payment code or dynamic QR while the
	// channel is offline: a code is single-use and expires in a minute, so
	// it cannot be stored and charged later.
	ErrOfflineCode     = Errorf(CodeInvalid, "pos: payment codes need the network; the channel is offline")
	ErrOfflineFloor    = Errorf(CodeInvalid, "pos: offline card payment over the floor limit")
	ErrOfflineExposure = Errorf(CodeInvalid, "pos: offline card exposure limit reached")
	ErrOfflineCardDay  = Errorf(CodeInvalid, "pos: offline payments per card per day reached")
	ErrOfflineTooOld   = Errorf(CodeInvalid, "pos: an offline card payment is past its upload deadline")
	ErrOfflineLimits   = Errorf(CodeInvalid, "pos: offline card limits out of range")
)

// OfflineReason returns the cashier's words for an error of the offline
// rules, or "" for any other error.
func OfflineReason(err error) string {
	for _, r := range []struct {
		err    error
		reason string
	}{
		{ErrOfflineCode, ReasonOfflineCode},
		{ErrOfflineFloor, ReasonOfflineFloor},
		{ErrOfflineExposure, ReasonOfflineExposure},
		{ErrOfflineCardDay, ReasonOfflineCardDay},
		{ErrOfflineTooOld, ReasonOfflineTooOld},
	} {
		if errors.Is(err, r.err) {
			return r.reason
		}
	}
	return ""
}

// CheckOnlinePayment refuses a payment code (B扫C) or dynamic QR (C扫B) when
// the provider's link is offline. A partial link is allowed: the attempt
// may end unknown (待确认), which the outbox resolves.
func CheckOnlinePayment(p Provider, mode PaymentMode, link Link) error {
	if link == LinkOffline {
		return Errorf(CodeInvalid, "pos: %s %s payment while offline: %w", p, mode, ErrOfflineCode)
	}
	return nil
}

// OfflineLimits bound the contactless card payments the till accepts while
// the acquirer cannot be reached: approved by the card (TC) now, uploaded
// later, at the merchant's risk until the upload clears. Set in settings.
type OfflineLimits struct {
	FloorFen         money.Fen     `json:"floor_fen"`          // one payment at most this much (the card's floor limit may be lower)
	TotalExposureFen money.Fen     `json:"total_exposure_fen"` // Σ offline payments not yet uploaded, this one included
	PerCardPerDay    int           `json:"per_card_per_day"`   // offline payments of one card in one business day
	MaxAge           time.Duration `json:"max_age_ns"`         // the oldest not yet uploaded; past it, no more offline payments
}

// DefaultOfflineLimits are safe for a small shop: ¥300 a payment, ¥2,000
// waiting for upload in all, 3 a card a day, uploaded within 24 h (Square's
// offline window, PROTOCOLS.md §6).
func DefaultOfflineLimits() OfflineLimits {
	return OfflineLimits{FloorFen: 300_00, TotalExposureFen: 2000_00, PerCardPerDay: 3, MaxAge: 24 * time.Hour}
}

// Validate checks the limits as entered in settings.
func (l OfflineLimits) Validate() error {
	switch {
	case l.FloorFen < 0 || l.TotalExposureFen < 0 || l.PerCardPerDay < 0 || l.MaxAge < 0:
		return Errorf(CodeInvalid, "pos: offline limits %+v: negative: %w", l, ErrOfflineLimits)
	case l.FloorFen > l.TotalExposureFen:
		return Errorf(CodeInvalid, "pos: offline floor %v above the total exposure %v: %w",
			l.FloorFen, l.TotalExposureFen, ErrOfflineLimits)
	case l.TotalExposureFen > money.MaxFen:
		return Errorf(CodeInvalid, "pos: offline exposure %v: %w", l.TotalExposureFen, ErrOfflineLimits)
	}
	return nil
}

// OfflineQueue is what the till already holds of offline card payments.
type OfflineQueue struct {
	Exposure  money.Fen // Σ offline card payments not yet uploaded
	CardToday int       // this card's offline payments in this business day
	Oldest    time.Time // the oldest not yet uploaded; zero if none
}

// Check decides whether a contactless card payment of amount may be
// approved offline at now, given what is already waiting for upload. It
// returns nil or one of ErrOfflineFloor, ErrOfflineExposure,
// ErrOfflineCardDay, ErrOfflineTooOld, wrapped with the figures; a zero
// limit allows nothing.
func (l OfflineLimits) Check(amount money.Fen, q OfflineQueue, now time.Time) error {
	switch {
	case amount <= 0:
		return Errorf(CodeInvalid, "pos: offline card payment of %v", amount)
	case amount > l.FloorFen:
		return Errorf(CodeInvalid, "pos: offline card %v, floor limit %v: %w", amount, l.FloorFen, ErrOfflineFloor)
	case q.Exposure+amount > l.TotalExposureFen:
		return Errorf(CodeInvalid, "pos: offline card %v with %v waiting, limit %v: %w",
			amount, q.Exposure, l.TotalExposureFen, ErrOfflineExposure)
	case q.CardToday >= l.PerCardPerDay:
		return Errorf(CodeInvalid, "pos: card already used offline %d times today, limit %d: %w",
			q.CardToday, l.PerCardPerDay, ErrOfflineCardDay)
	case !q.Oldest.IsZero() && now.Sub(q.Oldest) >= l.MaxAge:
		return Errorf(CodeInvalid, "pos: oldest offline card payment from %s, %v old, limit %v: %w",
			q.Oldest.UTC().Format(time.RFC3339), now.Sub(q.Oldest).Round(time.Minute), l.MaxAge, ErrOfflineTooOld)
	}
	return nil
}
