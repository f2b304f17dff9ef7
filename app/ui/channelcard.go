package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
)

// channelCard edits one channel. cfg is the model: the saved channel plus
// the keys imported since; the entries hold the rest until read.
type channelCard struct {
	s        *channelsScreen
	provider pos.Provider
	cfg      pos.ChannelConfig

	enabled  *widget.Check
	entries  map[string]*widget.Entry // by ChannelConfig field
	api      *widget.RadioGroup       // WeChat only
	typed    map[string]*widget.Entry // API keys, typed; empty keeps the saved one
	keyState map[string]*widget.Label // 已导入（指纹 …）, by key name
	importer map[string]*widget.Button
	save     *widget.Button
	test     *widget.Button
	msg      *noteLabel
	testDone chan struct{} // closed once the last test's result is shown
	content  fyne.CanvasObject
}

func newChannelCard(s *channelsScreen, p pos.Provider) *channelCard {
	k := &channelCard{s: s, provider: p, entries: map[string]*widget.Entry{}, typed: map[string]*widget.Entry{},
		keyState: map[string]*widget.Label{}, importer: map[string]*widget.Button{}, msg: newNoteLabel()}
	k.enabled = widget.NewCheck(T("Take payments through this channel"), nil)
	form := widget.NewForm(widget.NewFormItem(T("Enabled"), k.enabled))
	if p == pos.Wechat {
		k.api = radio(wechatAPIs)
		k.api.Horizontal = false // side by side, the two long choices widen the window past 1280 pixels
		k.api.OnChanged = func(string) { k.showAPI() }
		form.Append(T("API version"), k.api)
	}
	spec := channelFields[p]
	for _, name := range spec.entries {
		e := widget.NewEntry()
		e.SetPlaceHolder(placeholder(p, name))
		k.entries[name] = e
		form.Append(fieldLabel(name), e)
	}
	for _, ks := range spec.keys {
		form.Append(fieldLabel(ks.name), k.keyRow(ks))
	}
	k.save = widget.NewButton(T("Save"), func() { k.s.keysGated(string(p), k.onSave) })
	k.save.Importance = widget.HighImportance
	k.test = widget.NewButton(T("Test connection"), k.onTest)
	k.content = widget.NewCard(channelTitle(p), "",
		container.NewVBox(form, container.NewHBox(k.save, k.test), k.msg))
	return k
}

// keyRow is a key's state and the way to set it: a password entry for an
// API key, a file import for the others.
func (k *channelCard) keyRow(ks keySpec) fyne.CanvasObject {
	state := widget.NewLabel("")
	k.keyState[ks.name] = state
	if ks.typed {
		e := widget.NewPasswordEntry()
		e.SetPlaceHolder(T("Type to replace; empty keeps the saved key"))
		k.typed[ks.name] = e
		return container.NewBorder(nil, nil, nil, state, e)
	}
	b := widget.NewButton(T("Import file…"), func() { k.pickKey(ks.name) })
	k.importer[ks.name] = b
	return container.NewBorder(nil, nil, b, nil, state)
}

// show puts c on the card, as the model and in the widgets.
func (k *channelCard) show(c pos.ChannelConfig) {
	k.cfg = c
	k.enabled.SetChecked(c.Enabled)
	for name, e := range k.entries {
		if f := field(&c, name); f != nil {
			e.SetText(*f)
		}
	}
	if t, ok := k.entries["Timeout"]; ok {
		t.SetText("")
		if c.Timeout > 0 {
			t.SetText(strconv.Itoa(int(c.Timeout / time.Second)))
		}
	}
	if k.api != nil {
		setRadio(k.api, wechatAPIs, c.WeChatAPI)
	}
	for _, e := range k.typed {
		e.SetText("")
	}
	k.showKeys()
	k.showAPI()
}

// showKeys shows each key's fingerprint, never the key.
func (k *channelCard) showKeys() {
	for _, ks := range channelFields[k.provider].keys {
		v := k.cfg.Certs[ks.name]
		if ks.secret {
			v = k.cfg.Secrets[ks.name]
		}
		switch {
		case v == "":
			k.keyState[ks.name].SetText(T("Not imported"))
		case ks.typed:
			k.keyState[ks.name].SetText(Tf("Set (fingerprint %s…)", pos.Fingerprint(v)))
		default:
			k.keyState[ks.name].SetText(Tf("Imported (fingerprint %s…)", pos.Fingerprint(v)))
		}
	}
}

// showAPI enables the v3 fields only for v3.
func (k *channelCard) showAPI() {
	if k.api == nil {
		return
	}
	v3 := radioValue(k.api, wechatAPIs) == "v3"
	for _, w := range []fyne.Disableable{k.entries["PublicKeyID"], k.importer[pos.CertWechatPayPublicKey]} {
		if v3 {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

// read returns the channel as entered: the model with the entries, the
// choices and the typed keys on it. A timeout that is not a number is a
// *pos.ChannelError, like Validate's.
func (k *channelCard) read() (pos.ChannelConfig, error) {
	c := k.cfg
	c.Secrets, c.Certs = pos.Secrets{}, map[string]string{}
	for name, v := range k.cfg.Secrets {
		c.Secrets[name] = v
	}
	for name, v := range k.cfg.Certs {
		c.Certs[name] = v
	}
	c.Enabled = k.enabled.Checked
	for name, e := range k.entries {
		if f := field(&c, name); f != nil {
			*f = strings.TrimSpace(e.Text)
		}
	}
	if k.api != nil {
		c.WeChatAPI = radioValue(k.api, wechatAPIs)
	}
	for name, e := range k.typed {
		if v := strings.TrimSpace(e.Text); v != "" {
			c.Secrets[name] = v
		}
	}
	c.Timeout = 0
	if t := strings.TrimSpace(k.entries["Timeout"].Text); t != "" {
		sec, err := strconv.Atoi(t)
		if err != nil {
			return c, pos.Errorf(pos.CodeInvalid, "ui: %w", &pos.ChannelError{Provider: k.provider,
				Problems: []pos.FieldProblem{{Field: "Timeout", Problem: pos.ProblemFormat, Detail: strconv.Quote(t)}}})
		}
		c.Timeout = time.Duration(sec) * time.Second
	}
	return c, nil
}

// field is the ChannelConfig string field an entry edits (Timeout is not one).
func field(c *pos.ChannelConfig, name string) *string {
	switch name {
	case "AppID":
		return &c.AppID
	case "MchID":
		return &c.MchID
	case "MerchantID":
		return &c.MerchantID
	case "Serial":
		return &c.Serial
	case "PublicKeyID":
		return &c.PublicKeyID
	case "Gateway":
		return &c.Gateway
	}
	return nil
}

func (k *channelCard) pickKey(name string) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		_ = r.Close() // only the path is used: ImportKey reads the file itself
		k.onKeyFile(name, path)
	}, k.s.app.win)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// onKeyFile imports the key or certificate name from path into the model.
// Save keeps it.
func (k *channelCard) onKeyFile(name, path string) {
	pem, err := k.s.deps.ImportKey(path)
	if err != nil {
		k.s.app.deps.Log.Warn("import key file", "key", name, "path", path, "err", err)
		k.fail(T("This file is not a key or certificate. Choose the .pem file the provider gave you."))
		return
	}
	for _, ks := range channelFields[k.provider].keys {
		switch {
		case ks.name != name:
		case ks.secret:
			k.cfg.Secrets = withKey(k.cfg.Secrets, name, pem)
		default:
			k.cfg.Certs = withKey(k.cfg.Certs, name, pem)
		}
	}
	k.showKeys()
	k.ok(Tf("%s imported. Press Save to keep it.", fieldLabel(name)))
}

func withKey[M ~map[string]string](m M, name, v string) M {
	if m == nil {
		m = M{}
	}
	m[name] = v
	return m
}

func (k *channelCard) onSave() {
	c, err := k.read()
	if err == nil {
		err = k.s.deps.Store.SaveChannel(k.s.app.actx(), c)
	}
	if err != nil {
		k.s.app.deps.Log.Warn("save payment channel", "provider", k.provider, "err", err)
		k.fail(channelMessage(err))
		return
	}
	k.s.app.deps.Log.Info("payment channel saved", "channel", c, "staff", k.s.app.cashier.Name)
	k.show(c)
	k.ok(T("Saved. The till uses the new settings after a restart."))
}

// onTest checks the channel as entered (saved or not) in the background;
// the result replaces the card's message. A channel that cannot work as
// entered is explained at once, without the network.
func (k *channelCard) onTest() {
	done := make(chan struct{})
	k.testDone = done
	c, err := k.read()
	if err == nil {
		on := c
		on.Enabled = true // a test checks all a payment needs
		err = on.Validate()
	}
	if err == nil && k.s.deps.Test == nil {
		err = pos.Errorf(pos.CodeUnavailable, "ui: no connection test in this build")
	}
	if err != nil {
		k.showTest(err)
		close(done)
		return
	}
	k.test.Disable()
	k.msg.Importance = widget.MediumImportance
	k.msg.SetText(T("Testing the connection…"))
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), channelTestMax)
		defer cancel()
		err := k.s.deps.Test(ctx, c)
		fyne.Do(func() {
			k.showTest(err)
			k.test.Enable()
			close(done)
		})
	}()
}

func (k *channelCard) showTest(err error) {
	if err != nil {
		k.s.app.deps.Log.Warn("test payment channel", "provider", k.provider, "err", err)
		k.fail(channelMessage(err))
		return
	}
	k.ok(T("Connection OK: the provider answered and the keys match."))
}

func (k *channelCard) ok(msg string) {
	k.msg.Importance = widget.SuccessImportance
	k.msg.SetText(msg)
}

func (k *channelCard) fail(msg string) {
	k.msg.Importance = widget.DangerImportance
	k.msg.SetText(msg)
}
