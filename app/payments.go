package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"zhanggui/hardware/camera"
	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/sync/alipay"
	"zhanggui/sync/linkstate"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
	"zhanggui/sync/unionpay"
	"zhanggui/sync/wechatpay"
)

// paymentSetup is the payment side of a running till: the service the
// screens use, the simulator in demo mode, the link monitor and the outbox.
type paymentSetup struct {
	service *payments.Service
	vault   *storage.ChannelVault // the shop's channel settings, keys encrypted
	sim     *providersim.Sim      // demo and training only
	scene   *camera.PhoneScene    // the demo phone as the camera sees it
	links   *linkstate.Monitor    // whether each provider is reachable
	outbox  *outboxSetup          // drains the jobs that need the network
	simURL  string
	stop    func()
	notices chan pos.PaymentNotice // for the checkout screen
}

// startPayments wires the providers. A demo shop talks to the built-in
// simulator on loopback, through the same clients and wire protocols as a
// real shop. Payments left open (待确认) by a crash or a network failure
// are resolved by the outbox worker, which the caller starts.
func startPayments(ctx context.Context, db *storage.DB, st pos.Settings, dataDir string, log *slog.Logger) (*paymentSetup, error) {
	ps := &paymentSetup{stop: func() {}}
	providers := map[pos.Provider]payments.Provider{}
	vault, clients, err := openChannels(ctx, db, dataDir, log)
	if err != nil {
		return nil, err
	}
	ps.vault = vault
	if !st.Demo {
		maps.Copy(providers, clients)
	}
	if st.Demo {
		if err := ps.startSim(ctx, filepath.Join(dataDir, "simulator"), log); err != nil {
			return nil, err
		}
		if err := ps.simProviders(providers); err != nil {
			ps.stop()
			return nil, err
		}
	}
	ps.links = &linkstate.Monitor{Targets: ps.linkTargets(ctx, log)}
	// Open payments and pending refunds are resolved by the outbox worker
	// (app/outbox.go says why it replaces the minute sweeper); its start
	// runs it.
	ps.outbox = newOutbox(db, log)
	store, refunds := ps.outbox.stores(payments.DefaultPolicy())
	ps.service = &payments.Service{Store: store, RefundStore: refunds, Providers: reportLinks(providers, ps.links),
		Now: time.Now, NewID: newID, Sales: db, OnNotice: ps.tellNotice(log)}
	if err := ps.startNotify(ctx, providers, log); err != nil {
		ps.stop()
		return nil, err
	}
	linkCtx, cancel := context.WithCancel(ctx)
	go ps.links.Run(linkCtx)
	stopSim := ps.stop
	ps.stop = func() { cancel(); stopSim() }
	return ps, nil
}

// startSim serves the provider simulator on a free loopback port.
func (ps *paymentSetup) startSim(ctx context.Context, dir string, log *slog.Logger) error {
	sim, err := providersim.New(providersim.Config{DataDir: dir, AcceptUnknownCodes: true})
	if err != nil {
		return fmt.Errorf("app: simulator: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("app: simulator: %w", err)
	}
	srvCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := sim.Serve(srvCtx, ln); err != nil && !errors.Is(err, http.ErrServerClosed) && srvCtx.Err() == nil {
			log.Error("simulator stopped", "err", err)
		}
	}()
	ps.sim, ps.simURL = sim, "http://"+ln.Addr().String()
	ps.scene = camera.NewPhoneScene(640, 480, 1)
	ps.stop = func() { cancel(); <-done }
	log.Info("provider simulator", "url", ps.simURL, "credentials", dir)
	return nil
}

// simProviders configures the provider clients from the simulator's keys.
func (ps *paymentSetup) simProviders(providers map[pos.Provider]payments.Provider) error {
	c := ps.sim.Credentials()
	ali, err := alipay.New(alipay.Config{AppID: c.Alipay.AppID, PrivateKeyPEM: c.Alipay.AppPrivateKeyPEM,
		AlipayPublicKeyPEM: c.Alipay.AlipayPublicKeyPEM, Gateway: ps.simURL + "/alipay/gateway.do"})
	if err != nil {
		return fmt.Errorf("app: alipay client: %w", err)
	}
	providers[pos.Alipay] = ali
	w := c.WeChat
	wx, err := wechatpay.New(wechatpay.Config{AppID: w.AppID, MchID: w.MchID, APIv2Key: w.APIv2Key,
		MerchantPrivateKeyPEM: w.MerchantPrivateKeyPEM, MerchantCertPEM: w.MerchantCertPEM,
		MerchantSerial: w.MerchantSerial, WechatPayPublicKeyPEM: w.PublicKeyPEM, WechatPaySerial: w.PublicKeyID,
		NotifyURL: "https://demo.invalid/wechatpay/notify", BaseURL: ps.simURL + "/wechat"})
	if err != nil {
		return fmt.Errorf("app: wechat pay client: %w", err)
	}
	providers[pos.Wechat] = wx
	acq, err := unionpay.New(unionpay.Config{BaseURL: ps.simURL + "/acquirer", MerchantID: c.Acquirer.MerchantID,
		HMACKeyHex: c.Acquirer.HMACKey})
	if err != nil {
		return fmt.Errorf("app: acquirer client: %w", err)
	}
	// The acquirer: UnionPay and e-CNY codes, and the refunds of card
	// payments (sync/cardpay takes and resolves those).
	providers[pos.UnionPay], providers[pos.ECNY], providers[pos.Card] = acq, acq, acq
	return nil
}

// linkTargets are the gateways to probe: the simulator's in a demo shop,
// the configured channels' otherwise.
func (ps *paymentSetup) linkTargets(ctx context.Context, log *slog.Logger) []linkstate.Target {
	if ps.sim != nil {
		return []linkstate.Target{{Provider: pos.Alipay, URL: ps.simURL + "/alipay/gateway.do"},
			{Provider: pos.Wechat, URL: ps.simURL + "/wechat/pay/orderquery"},
			{Provider: pos.UnionPay, URL: ps.simURL + "/acquirer/"}}
	}
	cfgs, err := ps.vault.Channels(ctx)
	if err != nil {
		log.Warn("link monitor: channels", "err", err)
	}
	var ts []linkstate.Target
	for _, c := range cfgs {
		if c.Enabled && c.Gateway != "" {
			ts = append(ts, linkstate.Target{Provider: c.Provider, URL: c.Gateway})
		}
	}
	return ts
}

// linkProviders lists the probed channels for the counter's status line.
func (ps *paymentSetup) linkProviders() []pos.Provider {
	var out []pos.Provider
	for _, t := range ps.links.Targets {
		out = append(out, t.Provider)
	}
	return out
}
