package ui

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"zhanggui/app/ui/approve"
	"zhanggui/pos"
)

// ChannelStore keeps the payment channels' settings (storage.ChannelVault).
type ChannelStore interface {
	// Channels returns the saved channels with their keys. It may return
	// the channels without their keys and pos.ErrWrongSecretKey or
	// pos.ErrSecretDamaged when the keys cannot be opened.
	Channels(ctx context.Context) ([]pos.ChannelConfig, error)
	SaveChannel(ctx context.Context, c pos.ChannelConfig) error
}

// secretsForgetter is a ChannelStore that can drop every sealed key: the
// way out when the secret key file was lost (storage.ChannelVault).
type secretsForgetter interface {
	ForgetSecrets(ctx context.Context) error
}

// ChannelDeps are what the channels screen needs besides the App.
type ChannelDeps struct {
	Store ChannelStore
	// Test checks a channel without moving money (a query of an order that
	// does not exist); nil hides nothing but says the test is unavailable.
	Test func(ctx context.Context, c pos.ChannelConfig) error
	// ImportKey reads a key or certificate file and returns it as PEM.
	ImportKey func(path string) (string, error)
	// ImportSim reads a provider simulator's credentials (training); nil
	// hides the button.
	ImportSim func(dir string) ([]pos.ChannelConfig, error)
}

// channelTestMax bounds a test connection, whatever the channel's timeout.
const channelTestMax = 30 * time.Second

// channelsScreen edits the payment channels, one card each.
type channelsScreen struct {
	app     *App
	deps    ChannelDeps
	cards   []*channelCard // in the order of pos.ChannelProviders
	msg     *noteLabel     // problems loading the channels
	forget  *widget.Button // shown when the saved keys cannot be opened
	content fyne.CanvasObject
}

// keySpec is a key field of a card: imported from a file, or typed.
type keySpec struct {
	name   string // a pos.Secret… or pos.Cert… name
	secret bool   // in Secrets (else Certs)
	typed  bool   // an API key typed into a password entry (else a file)
}

// channelFields are each channel's entries and keys, in screen order.
var channelFields = map[pos.Provider]struct {
	entries []string // ChannelConfig fields
	keys    []keySpec
}{
	pos.Alipay: {[]string{"AppID", "Gateway", "Timeout"},
		[]keySpec{{pos.SecretAlipayAppKey, true, false}, {pos.CertAlipayPublicKey, false, false}}},
	pos.Wechat: {[]string{"AppID", "MchID", "Serial", "PublicKeyID", "Gateway", "Timeout"},
		[]keySpec{{pos.SecretWechatAPIv2Key, true, true}, {pos.SecretWechatMerchantKey, true, false},
			{pos.CertWechatMerchant, false, false}, {pos.CertWechatPayPublicKey, false, false}}},
	pos.UnionPay: {[]string{"MerchantID", "Gateway", "Timeout"},
		[]keySpec{{pos.SecretAcquirerHMACKey, true, true}}},
}

// wechatAPIs are the WeChat Pay API versions a till can use.
var wechatAPIs = []choice{{"v2", "v2 (payment codes only)"}, {"v3", "v3 (payment codes and dynamic QR)"}}

func newChannelsScreen(a *App, d ChannelDeps) *channelsScreen {
	s := &channelsScreen{app: a, deps: d, msg: newNoteLabel()}
	s.forget = widget.NewButton(T("Forget the saved keys…"), func() { s.keysGated("", s.confirmForget) })
	s.forget.Hide()
	top := container.NewVBox(widget.NewLabel(T("Keys are stored encrypted; the screen shows only their fingerprints.")))
	if d.ImportSim != nil {
		top.Add(widget.NewButton(T("Import simulator keys (training)…"), func() { s.keysGated("", s.pickSimDir) }))
	}
	top.Add(s.msg)
	top.Add(s.forget)
	list := container.NewVBox()
	for _, p := range pos.ChannelProviders {
		k := newChannelCard(s, p)
		s.cards = append(s.cards, k)
		list.Add(k.content)
	}
	s.content = container.NewBorder(top, nil, nil, nil, container.NewVScroll(list))
	s.msg.relayout = s.content.Refresh
	s.load()
	if !a.may(pos.ActChannelKeys) {
		s.ownerOnly()
	}
	return s
}

// keysGated runs f when who is at the till may change the channel keys
// (ActChannelKeys); the store audits the change itself.
func (s *channelsScreen) keysGated(provider string, f func()) {
	in := approve.Intent{Actions: []pos.Action{pos.ActChannelKeys}, What: T("Change the payment channel keys"),
		Subject: "channels", Detail: provider}
	s.app.gated(in, func(pos.Staff) error { f(); return nil })
}

// ownerOnly leaves a cashier the test button: the keys are the owner's.
func (s *channelsScreen) ownerOnly() {
	s.forget.Disable()
	for _, k := range s.cards {
		k.save.Disable()
		for _, b := range k.importer {
			b.Disable()
		}
		for _, e := range k.typed {
			e.Disable()
		}
	}
	s.msg.Importance = widget.WarningImportance
	s.msg.SetText(T("Only the owner can change the payment channels."))
}

// load shows the saved channels. Channels that come back without their
// keys (a wrong key file) are still shown, with the reason.
func (s *channelsScreen) load() {
	cs, err := s.deps.Store.Channels(context.Background())
	for _, k := range s.cards {
		c := pos.ChannelConfig{Provider: k.provider}
		if k.provider == pos.Wechat {
			c.WeChatAPI = "v3"
		}
		for _, saved := range cs {
			if saved.Provider == k.provider {
				c = saved
			}
		}
		k.show(c)
	}
	s.msg.SetText("")
	s.forget.Hide()
	if err != nil {
		s.app.deps.Log.Warn("load payment channels", "err", err)
		s.msg.Importance = widget.DangerImportance
		s.msg.SetText(channelMessage(err))
		_, ok := s.deps.Store.(secretsForgetter)
		if ok && (errors.Is(err, pos.ErrWrongSecretKey) || errors.Is(err, pos.ErrSecretDamaged)) {
			s.forget.Show()
		}
	}
}

func (s *channelsScreen) confirmForget() {
	dialog.ShowConfirm(T("Forget the saved keys?"),
		T("The saved keys cannot be opened with this till's key file. Forget them, keep the IDs, and import the keys again?"),
		func(ok bool) {
			if ok {
				s.onForget()
			}
		}, s.app.win)
}

// onForget drops the keys that cannot be opened, after the owner confirmed.
func (s *channelsScreen) onForget() {
	f, ok := s.deps.Store.(secretsForgetter)
	if !ok {
		return
	}
	if err := f.ForgetSecrets(s.app.actx()); err != nil {
		s.app.deps.Log.Warn("forget channel keys", "err", err)
		s.msg.SetText(channelMessage(err))
		return
	}
	s.app.deps.Log.Info("payment channel keys forgotten", "staff", s.app.cashier.Name)
	s.load()
	s.msg.Importance = widget.WarningImportance
	s.msg.SetText(T("The saved keys were forgotten. Import them again on each card and save."))
}

func (s *channelsScreen) pickSimDir() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err == nil && u != nil {
			s.onImportSim(u.Path())
		}
	}, s.app.win)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// onImportSim fills the cards from a simulator's credentials; the owner
// tests and saves each card.
func (s *channelsScreen) onImportSim(dir string) {
	cs, err := s.deps.ImportSim(dir)
	if err != nil {
		s.app.deps.Log.Warn("import simulator keys", "dir", dir, "err", err)
		s.msg.Importance = widget.DangerImportance
		s.msg.SetText(T("This folder has no simulator keys (credentials.json). Choose the simulator's data folder."))
		return
	}
	for _, c := range cs {
		for _, k := range s.cards {
			if k.provider == c.Provider {
				k.show(c)
			}
		}
	}
	s.msg.Importance = widget.SuccessImportance
	s.msg.SetText(T("Simulator keys imported. Test each channel, then save it."))
}
