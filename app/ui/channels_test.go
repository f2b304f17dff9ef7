package ui

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"zhanggui/pos"
	"zhanggui/storage"
)

// channelFixture is the channels screen over the fixture's real database,
// with keys sealed under a key file in a temporary directory.
type channelFixture struct {
	*fixture
	vault  *storage.ChannelVault
	screen *channelsScreen
	tested []pos.ChannelConfig // what Test was asked to check
	answer error               // what Test answers
}

func newChannelFixture(t *testing.T) *channelFixture {
	t.Helper()
	f := &channelFixture{fixture: newFixture(t)}
	f.vault = newVault(t, f.db)
	f.screen = f.open(t, f.vault)
	return f
}

func newVault(t *testing.T, db *storage.DB) *storage.ChannelVault {
	t.Helper()
	key, err := storage.LoadOrCreateKey(filepath.Join(t.TempDir(), "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := db.ChannelVault(key)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// open builds a channels screen on store in a window of its own.
func (f *channelFixture) open(t *testing.T, store ChannelStore) *channelsScreen {
	t.Helper()
	s := newChannelsScreen(f.app, ChannelDeps{Store: store,
		Test: func(_ context.Context, c pos.ChannelConfig) error {
			f.tested = append(f.tested, c)
			return f.answer
		},
		ImportKey: func(path string) (string, error) {
			b, err := os.ReadFile(path)
			if err != nil || !strings.Contains(string(b), "-----BEGIN") {
				return "", pos.Errorf(pos.CodeInvalid, "test: %s is not PEM", path)
			}
			return string(b), nil
		}})
	w := test.NewTempWindow(t, s.content)
	w.Resize(fyne.NewSize(1000, 2400))
	return s
}

// keyFile writes a PEM of typ to a file and returns its path and content.
func keyFile(t *testing.T, typ, body string) (string, string) {
	t.Helper()
	content := string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: []byte(body + " " + strings.Repeat("k", 300))}))
	path := filepath.Join(t.TempDir(), strings.ReplaceAll(strings.ToLower(typ), " ", "_")+".pem")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, content
}

// fillAlipay enters a complete Alipay channel, keys imported from files.
func fillAlipay(t *testing.T, k *channelCard) (appKey, alipayKey string) {
	t.Helper()
	k.enabled.SetChecked(true)
	test.Type(k.entries["AppID"], "2021000000000001")
	test.Type(k.entries["Timeout"], "8")
	p1, appKey := keyFile(t, "PRIVATE KEY", "app private key")
	p2, alipayKey := keyFile(t, "PUBLIC KEY", "alipay public key")
	k.onKeyFile(pos.SecretAlipayAppKey, p1)
	k.onKeyFile(pos.CertAlipayPublicKey, p2)
	return appKey, alipayKey
}

// screenText is every text the screen renders, entries included.
func screenText(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *canvas.Text:
			b.WriteString(x.Text + "\n")
		case *widget.Entry:
			b.WriteString(x.Text + "\n")
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

func TestChannelsScreenSaveAndReload(t *testing.T) {
	f := newChannelFixture(t)
	ali := f.screen.cards[0]
	appKey, alipayKey := fillAlipay(t, ali)
	want := Tf("Imported (fingerprint %s…)", pos.Fingerprint(appKey))
	if got := ali.keyState[pos.SecretAlipayAppKey].Text; got != want || !strings.HasPrefix(got, "已导入（指纹 ") {
		t.Errorf("app key shows %q, want %q", got, want)
	}
	test.Tap(ali.save)
	if got := ali.msg.Text; got != "已保存。重新启动收银软件后生效。" {
		t.Fatalf("after save: %q", got)
	}
	saved, err := f.vault.Channel(context.Background(), pos.Alipay)
	if err != nil {
		t.Fatal(err)
	}
	if !saved.Enabled || saved.AppID != "2021000000000001" || saved.Timeout.Seconds() != 8 ||
		saved.Secrets[pos.SecretAlipayAppKey] != appKey || saved.Certs[pos.CertAlipayPublicKey] != alipayKey {
		t.Errorf("saved %v", saved)
	}

	// A typed API key: kept, shown by fingerprint, the entry emptied.
	wx := f.screen.cards[1]
	test.Type(wx.typed[pos.SecretWechatAPIv2Key], "0123456789abcdefABCDEF0123456789")
	test.Type(wx.entries["MchID"], "1900000001")
	test.Tap(wx.save)
	if wx.typed[pos.SecretWechatAPIv2Key].Text != "" || !strings.HasPrefix(wx.keyState[pos.SecretWechatAPIv2Key].Text, "已设置（指纹 ") {
		t.Errorf("after saving a typed key: entry %q, state %q", wx.typed[pos.SecretWechatAPIv2Key].Text,
			wx.keyState[pos.SecretWechatAPIv2Key].Text)
	}

	again := f.open(t, f.vault)
	if got := again.cards[0].entries["AppID"].Text; got != "2021000000000001" {
		t.Errorf("reopened: app id %q", got)
	}
	if got := again.cards[0].keyState[pos.CertAlipayPublicKey].Text; !strings.Contains(got, pos.Fingerprint(alipayKey)) {
		t.Errorf("reopened: alipay key shows %q", got)
	}
	text := screenText(again.content)
	for _, secret := range []string{appKey[40:80], alipayKey[40:80], "0123456789abcdefABCDEF0123456789"} {
		if strings.Contains(text, secret) {
			t.Errorf("the screen shows a key: %q", secret)
		}
	}
	if !strings.Contains(text, "应用私钥") || !strings.Contains(text, "银联·数字人民币") {
		t.Errorf("the screen is not in Chinese:\n%s", text)
	}
}

func TestChannelsScreenValidation(t *testing.T) {
	f := newChannelFixture(t)
	ali := f.screen.cards[0]
	ali.enabled.SetChecked(true)
	test.Type(ali.entries["AppID"], "12")
	test.Type(ali.entries["Gateway"], "http://openapi.alipay.com/gateway.do")
	test.Tap(ali.save)
	for _, want := range []string{"应用ID（AppID）：应为16 位数字", "应用私钥：必填", "网关地址：须以 https:// 开头"} {
		if !strings.Contains(ali.msg.Text, want) {
			t.Errorf("message %q does not say %q", ali.msg.Text, want)
		}
	}
	if cs, _ := f.vault.Channels(context.Background()); len(cs) != 0 {
		t.Errorf("an invalid channel was saved: %v", cs)
	}
	up := f.screen.cards[2]
	test.Type(up.entries["Timeout"], "ten")
	test.Tap(up.save)
	if want := "超时（秒）：应为整数秒"; up.msg.Text != want {
		t.Errorf("bad timeout: %q, want %q", up.msg.Text, want)
	}
	ali.onKeyFile(pos.SecretAlipayAppKey, "/nonexistent")
	if !strings.Contains(ali.msg.Text, "不是密钥或证书") {
		t.Errorf("bad key file: %q", ali.msg.Text)
	}
}

func TestChannelsScreenTestConnection(t *testing.T) {
	f := newChannelFixture(t)
	ali := f.screen.cards[0]
	tests := []struct {
		name   string
		answer error
		want   []string
	}{
		{"ok", nil, []string{"连接成功：支付机构已应答，密钥匹配。"}},
		{"refused", fmt.Errorf("app: test alipay: %w", pos.ConnectionFailed(pos.Alipay, pos.FaultRefused,
			"40002 isv.invalid-signature", errors.New("alipay: query: unexpected answer"))),
			[]string{"支付机构拒绝了请求", "（支付机构返回码：40002 isv.invalid-signature）"}},
		{"untrusted", pos.ConnectionFailed(pos.Alipay, pos.FaultUntrusted, "", errors.New("bad signature")),
			[]string{"应答签名验证失败"}},
		{"down", pos.ConnectionFailed(pos.Alipay, pos.FaultUnreachable, "", errors.New("connection refused")),
			[]string{"无法连接网关，请检查网关地址和网络。"}},
		{"keys that do not match", pos.Errorf(pos.CodeInvalid, "app: %w", &pos.ChannelError{Provider: pos.Wechat,
			Problems: []pos.FieldProblem{{Field: pos.CertWechatMerchant, Problem: pos.ProblemMismatch}}}),
			[]string{"商户API证书（apiclient_cert.pem）：与商户私钥不配对"}},
	}
	fillAlipay(t, ali)
	for _, tt := range tests {
		f.answer = tt.answer
		test.Tap(ali.test)
		<-ali.testDone
		for _, want := range tt.want {
			if !strings.Contains(ali.msg.Text, want) {
				t.Errorf("%s: message %q, want %q", tt.name, ali.msg.Text, want)
			}
		}
	}
	if len(f.tested) != len(tests) || f.tested[0].AppID != "2021000000000001" || f.tested[0].Enabled != true {
		t.Errorf("Test got %d configs (%v), want the unsaved entries each time", len(f.tested), f.tested)
	}

	// An incomplete channel is explained without the network.
	up := f.screen.cards[2]
	test.Tap(up.test)
	<-up.testDone
	if len(f.tested) != len(tests) || !strings.Contains(up.msg.Text, "收单商户号：必填") {
		t.Errorf("incomplete channel: tested %d times, message %q", len(f.tested), up.msg.Text)
	}
}

func TestChannelsScreenWrongKeyFile(t *testing.T) {
	f := newChannelFixture(t)
	ali := f.screen.cards[0]
	fillAlipay(t, ali)
	test.Tap(ali.save)

	other := newVault(t, f.db) // this till's key file was lost and made anew
	s := f.open(t, other)
	if !strings.Contains(s.msg.Text, "与本机的 secret.key 不匹配") || s.forget.Hidden {
		t.Fatalf("wrong key file: message %q, forget button hidden %v", s.msg.Text, s.forget.Hidden)
	}
	if got := s.cards[0].entries["AppID"].Text; got != "2021000000000001" {
		t.Errorf("the IDs are not shown with a wrong key file: app id %q", got)
	}
	s.onForget()
	if s.msg.Text != "已清除保存的密钥。请在各渠道重新导入密钥并保存。" || !s.forget.Hidden {
		t.Errorf("after forgetting: %q", s.msg.Text)
	}
	if got := s.cards[0].keyState[pos.SecretAlipayAppKey].Text; got != "未导入" {
		t.Errorf("after forgetting, the app key shows %q", got)
	}
	if _, err := other.Channels(context.Background()); err != nil {
		t.Errorf("after forgetting: %v", err)
	}
}

func TestChannelsScreenIsTheOwners(t *testing.T) {
	f := newChannelFixture(t)
	f.app.cashier = pos.Staff{Name: "收银员", Role: pos.RoleCashier}
	s := f.open(t, f.vault)
	if !s.cards[0].save.Disabled() || !s.cards[0].importer[pos.SecretAlipayAppKey].Disabled() ||
		!s.cards[1].typed[pos.SecretWechatAPIv2Key].Disabled() || s.cards[0].test.Disabled() {
		t.Error("a cashier can change the channels, or cannot test them")
	}
	if s.msg.Text != "只有店主可以修改收款渠道。" {
		t.Errorf("message %q", s.msg.Text)
	}
}

// TestChannelMessagesComplete: every problem and fault has words of its own.
func TestChannelMessagesComplete(t *testing.T) {
	fallback := []string{T("is not accepted"), T("The connection test failed. The details are in the log.")}
	for _, p := range []pos.Problem{pos.ProblemMissing, pos.ProblemFormat, pos.ProblemKeyKind, pos.ProblemInsecure,
		pos.ProblemRange, pos.ProblemChoice, pos.ProblemUnexpected, pos.ProblemMismatch} {
		if got := problemText(pos.Alipay, pos.FieldProblem{Field: "AppID", Problem: p}); got == fallback[0] {
			t.Errorf("problem %s has no words", p)
		}
	}
	for _, fl := range []pos.Fault{pos.FaultUnreachable, pos.FaultRefused, pos.FaultUntrusted, pos.FaultNotGateway, pos.FaultBusy} {
		if got := connectionText(fl); got == fallback[1] {
			t.Errorf("fault %s has no words", fl)
		}
	}
	for _, p := range pos.ChannelProviders {
		for _, ks := range channelFields[p].keys {
			if fieldLabel(ks.name) == ks.name {
				t.Errorf("key %s has no label", ks.name)
			}
		}
	}
	for _, l := range fieldLabels {
		if !hasZh(l) {
			t.Errorf("no Chinese for label %q", l)
		}
	}
	for _, c := range wechatAPIs {
		if !hasZh(c.label) {
			t.Errorf("no Chinese for %q", c.label)
		}
	}
	for en := range zhChannels {
		if zhOf(en) != zhChannels[en] {
			t.Errorf("%q is translated %q elsewhere and %q here", en, zhOf(en), zhChannels[en])
		}
	}
}
