package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"zhanggui/pos"
	"zhanggui/sync/alipay"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
	"zhanggui/sync/wechatpay"
)

// The till's notify endpoint. Providers post payment notifications to a
// notify_url; the payment service verifies each and resolves its payment
// by query, so a notification only makes the till learn sooner what the
// sweeper would learn anyway. In demo mode the built-in simulator posts to
// this endpoint on loopback. A real till sits behind NAT: the providers
// can reach it only through a public HTTPS relay that forwards
// POST /notify/{alipay,wechat} to it, and the till never depends on one.

// startNotify serves the notify endpoint on a free loopback port and has
// the simulator post its notifications there (demo mode).
func (ps *paymentSetup) startNotify(ctx context.Context, clients map[pos.Provider]payments.Provider, log *slog.Logger) error {
	if ps.sim == nil {
		return nil
	}
	notifiers, err := ps.simNotifiers(clients)
	if err != nil {
		return err
	}
	ps.service.Notifiers = notifiers
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("app: notify endpoint: %w", err)
	}
	srv := &http.Server{Handler: ps.service.NotifyHandler(), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("notify endpoint stopped", "err", err)
		}
	}()
	base := "http://" + ln.Addr().String() + "/notify/"
	ps.sim.SetNotify(providersim.NotifyOptions{URLs: map[providersim.Provider]string{
		providersim.Alipay: base + string(pos.Alipay), providersim.WeChat: base + string(pos.Wechat)}})
	stopSim := ps.stop
	ps.stop = func() {
		shut, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut) // stopping: what is in flight is resent by the provider
		<-done
		stopSim()
	}
	log.Info("notify endpoint", "url", base)
	return nil
}

// simNotifiers verifies the simulator's notifications with the demo
// clients' keys.
func (ps *paymentSetup) simNotifiers(clients map[pos.Provider]payments.Provider) (map[pos.Provider]payments.NotifyVerifier, error) {
	out := map[pos.Provider]payments.NotifyVerifier{}
	if ali, ok := clients[pos.Alipay].(*alipay.Client); ok {
		out[pos.Alipay] = ali
	}
	if wx, ok := clients[pos.Wechat].(*wechatpay.Client); ok {
		n, err := wx.Notifier(ps.sim.Credentials().WeChat.APIv3Key)
		if err != nil {
			return nil, fmt.Errorf("app: wechat pay notifications: %w", err)
		}
		out[pos.Wechat] = n
	}
	return out, nil
}

// tellNotice logs what happened to a payment while no cashier waited for
// it, and hands it to the checkout screen (which words it for the
// cashier). A screen that is not listening never blocks the payments.
func (ps *paymentSetup) tellNotice(log *slog.Logger) func(payments.Notice) {
	ps.notices = make(chan pos.PaymentNotice, 32)
	return func(n payments.Notice) {
		log.Warn("payment notice", "kind", n.Kind, "payment", n.Payment.ID, "sale", n.Payment.SaleID,
			"state", n.Payment.State, "amount", n.Payment.Amount, "why", n.Why)
		if n.Kind == payments.NoticeBadNotification {
			return // for the log only
		}
		select {
		case ps.notices <- n:
		default:
			log.Warn("payment notice not shown: the screen is behind", "payment", n.Payment.ID)
		}
	}
}
