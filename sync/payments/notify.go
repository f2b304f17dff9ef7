package payments

import (
	"context"
	"fmt"
	"net/http"

	"zhanggui/pos"
)

// Notifications are only a hint. A provider's notification that a trade
// was paid is verified (signature, merchant, amount), and then the payment
// goes through Resolve, the path of the sweeper and the 查询 button: the
// provider is queried and its answer booked, never the notification's
// content. So a replayed or late notification books nothing twice (a
// final payment is not asked again; one a flow is deciding is left to
// it), a forged one changes nothing, and one lost changes nothing either:
// the sweeper asks anyway. The price is one query per notification, which
// the providers allow many times over.

// NotifyVerifier reads a provider's notification (sync/alipay.Client,
// sync/wechatpay.Notifier).
type NotifyVerifier interface {
	// VerifyNotify verifies the request and returns the out_trade_no and
	// the trade as the notification states it; an error: ignore it.
	VerifyNotify(r *http.Request) (outTradeNo string, res pos.ProviderResult, err error)
	// AckNotify answers the provider: taken (nil) or send again (err).
	AckNotify(w http.ResponseWriter, err error)
}

// ErrBadNotification means a notification failed verification or does
// not match the payment it names; it changed nothing.
var ErrBadNotification = pos.Errorf(pos.CodeInvalid, "payments: notification refused")

// Notify takes a notification from provider: it verifies it, then resolves
// the payment it names by query. It returns nil once the notification is
// taken (the provider may stop sending it), even when the query could not
// be made: the sweeper resolves the payment later. A notification of a
// trade the till does not know is taken and ignored (another till of the
// same merchant made it).
func (s *Service) Notify(ctx context.Context, provider pos.Provider, r *http.Request) error {
	v, ok := s.Notifiers[provider]
	if !ok {
		return pos.Errorf(pos.CodeUnavailable, "payments: %s notifications: %w", provider, ErrNoProvider)
	}
	no, res, err := v.VerifyNotify(r)
	if err != nil {
		s.notice(NoticeBadNotification, pos.Payment{Provider: provider}, err.Error())
		return fmt.Errorf("payments: %s notification: %w: %w", provider, ErrBadNotification, err)
	}
	p, err := s.Store.Payment(ctx, no)
	if pos.ErrorCode(err) == pos.CodeNotFound {
		return nil
	}
	if err != nil {
		return fmt.Errorf("payments: notification of %s: %w", no, err)
	}
	if p.Provider != provider || res.Amount != 0 && res.Amount != p.Amount {
		s.notice(NoticeBadNotification, p, fmt.Sprintf("notification for %s %v", provider, res.Amount))
		return fmt.Errorf("payments: notification of %s says %s %v, the payment is %s %v: %w",
			no, provider, res.Amount, p.Provider, p.Amount, ErrBadNotification)
	}
	return s.hint(ctx, p, res)
}

// hint acts on a verified notification about p: an open payment is
// resolved; a final unpaid one the notification says is paid is queried,
// and a provider that confirms it is a conflict for a person to check.
func (s *Service) hint(ctx context.Context, p pos.Payment, res pos.ProviderResult) error {
	if !p.State.Final() {
		_, err := s.Resolve(ctx, p.ID)
		if err != nil && pos.ErrorCode(err) == pos.CodeUnavailable {
			return nil // taken: the sweeper asks again
		}
		return err
	}
	if res.Status != pos.StatusSuccess || (p.State != pos.PayFailed && p.State != pos.PayReversed) {
		return nil // what the till holds already: a replay, or news of no consequence
	}
	prov, ok := s.Providers[p.Provider]
	if !ok {
		return nil
	}
	if q, err := prov.Query(ctx, p.ID); err == nil && q.Status == pos.StatusSuccess {
		s.notice(NoticeConflict, p, fmt.Sprintf("held as %s, the provider says paid (%s)", p.State, q.TradeNo))
	}
	return nil
}

// NotifyHandler serves the till's notify endpoint: POST /notify/{provider}
// (alipay, wechat), each answered in its provider's way. A till behind NAT
// needs a public relay to reach it; the demo's simulator posts to it on
// loopback.
func (s *Service) NotifyHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /notify/{provider}", func(w http.ResponseWriter, r *http.Request) {
		provider := pos.Provider(r.PathValue("provider"))
		v, ok := s.Notifiers[provider]
		if !ok {
			http.NotFound(w, r)
			return
		}
		v.AckNotify(w, s.Notify(r.Context(), provider, r))
	})
	return mux
}
