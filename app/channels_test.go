package app

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/providersim"
)

// channelSim is a simulator on loopback and the channels imported from
// the credentials it wrote, as a trainer would set a till up.
type channelSim struct {
	sim  *providersim.Sim
	srv  *httptest.Server
	dir  string
	cfgs map[pos.Provider]pos.ChannelConfig
}

func newChannelSim(t *testing.T) *channelSim {
	t.Helper()
	dir := t.TempDir()
	sim, err := providersim.New(providersim.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	cfgs, err := importCredentials(dir, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	cs := &channelSim{sim: sim, srv: srv, dir: dir, cfgs: map[pos.Provider]pos.ChannelConfig{}}
	for _, c := range cfgs {
		cs.cfgs[c.Provider] = c
	}
	return cs
}

// channel returns a copy of the channel of p that edit may change.
func (cs *channelSim) channel(p pos.Provider, edit func(c *pos.ChannelConfig)) pos.ChannelConfig {
	c := cs.cfgs[p]
	c.Secrets, c.Certs = pos.Secrets{}, map[string]string{}
	for k, v := range cs.cfgs[p].Secrets {
		c.Secrets[k] = v
	}
	for k, v := range cs.cfgs[p].Certs {
		c.Certs[k] = v
	}
	if edit != nil {
		edit(&c)
	}
	return c
}

// spare is a key and certificate the simulator has never seen.
var spare = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

func spareKeyPEM(t testing.TB) (keyPEM, pubPEM, certPEM string) {
	t.Helper()
	k, err := spare()
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(0x5EED), Subject: pkix.Name{CommonName: "1900000001"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	enc := func(typ string, b []byte) string { return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b})) }
	return enc("PRIVATE KEY", der), enc("PUBLIC KEY", pub), enc("CERTIFICATE", cert)
}

func TestChannelsFromSimulatorConnect(t *testing.T) {
	cs := newChannelSim(t)
	ctx := context.Background()
	for _, p := range pos.ChannelProviders {
		if err := testConnection(ctx, cs.cfgs[p]); err != nil {
			t.Errorf("testConnection(%s) = %v, want nil", p, err)
		}
	}
	v2 := cs.channel(pos.Wechat, func(c *pos.ChannelConfig) {
		c.WeChatAPI, c.PublicKeyID = "v2", ""
		delete(c.Certs, pos.CertWechatPayPublicKey)
	})
	if err := testConnection(ctx, v2); err != nil {
		t.Errorf("testConnection(wechat v2) = %v, want nil", err)
	}
}

func TestChannelTestFindsWrongKeys(t *testing.T) {
	cs := newChannelSim(t)
	key, pub, cert := spareKeyPEM(t)
	tests := []struct {
		name  string
		c     pos.ChannelConfig
		fault pos.Fault
		said  string
	}{
		{"alipay app key not the one uploaded", cs.channel(pos.Alipay, func(c *pos.ChannelConfig) {
			c.Secrets[pos.SecretAlipayAppKey] = key
		}), pos.FaultRefused, "isv.invalid-signature"},
		{"alipay app id", cs.channel(pos.Alipay, func(c *pos.ChannelConfig) { c.AppID = "2021999999999999" }),
			pos.FaultRefused, "isv.invalid-app-id"},
		{"alipay public key not alipay's", cs.channel(pos.Alipay, func(c *pos.ChannelConfig) {
			c.Certs[pos.CertAlipayPublicKey] = pub
		}), pos.FaultUntrusted, ""},
		{"wechat APIv2 key", cs.channel(pos.Wechat, func(c *pos.ChannelConfig) {
			c.Secrets[pos.SecretWechatAPIv2Key] = strings.Repeat("k", 32)
		}), pos.FaultRefused, "FAIL"},
		{"wechat mch_id", cs.channel(pos.Wechat, func(c *pos.ChannelConfig) { c.MchID = "1999999999" }),
			pos.FaultRefused, "FAIL"},
		{"wechat merchant certificate not registered", cs.channel(pos.Wechat, func(c *pos.ChannelConfig) {
			c.Secrets[pos.SecretWechatMerchantKey], c.Certs[pos.CertWechatMerchant], c.Serial = key, cert, ""
		}), pos.FaultRefused, "401 SIGN_ERROR"},
		{"wechat pay public key", cs.channel(pos.Wechat, func(c *pos.ChannelConfig) {
			c.Certs[pos.CertWechatPayPublicKey] = pub
		}), pos.FaultUntrusted, "404 ORDER_NOT_EXIST"},
		{"wechat public key id", cs.channel(pos.Wechat, func(c *pos.ChannelConfig) {
			c.PublicKeyID = "PUB_KEY_ID_0000000000000000"
		}), pos.FaultUntrusted, ""},
		{"acquirer hmac key", cs.channel(pos.UnionPay, func(c *pos.ChannelConfig) {
			c.Secrets[pos.SecretAcquirerHMACKey] = strings.Repeat("0f", 32)
		}), pos.FaultUntrusted, ""},
		{"acquirer merchant id", cs.channel(pos.UnionPay, func(c *pos.ChannelConfig) { c.MerchantID = "898000000000000" }),
			pos.FaultRefused, "A0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := testConnection(context.Background(), tt.c)
			var ce *pos.ConnectionError
			if !errors.As(err, &ce) || ce.Fault != tt.fault || !strings.Contains(ce.Said, tt.said) {
				t.Fatalf("testConnection() = %v, want fault %s saying %q", err, tt.fault, tt.said)
			}
			if pos.ErrorCode(err) != pos.CodeInvalid {
				t.Errorf("code %v, want invalid: the owner must change a setting", pos.ErrorCode(err))
			}
		})
	}
}

// TestChannelTestChecksKeysLocally: keys that cannot work are named before
// anything is sent.
func TestChannelTestChecksKeysLocally(t *testing.T) {
	cs := newChannelSim(t)
	key, pub, _ := spareKeyPEM(t)
	tests := []struct {
		name    string
		c       pos.ChannelConfig
		field   string
		problem pos.Problem
	}{
		{"merchant key of another certificate", cs.channel(pos.Wechat, func(c *pos.ChannelConfig) {
			c.Secrets[pos.SecretWechatMerchantKey] = key
		}), pos.CertWechatMerchant, pos.ProblemMismatch},
		{"serial of another certificate", cs.channel(pos.Wechat, func(c *pos.ChannelConfig) { c.Serial = "0123456789ABCDEF" }),
			"Serial", pos.ProblemMismatch},
		{"a public key where the private key goes", cs.channel(pos.Alipay, func(c *pos.ChannelConfig) {
			c.Secrets[pos.SecretAlipayAppKey] = strings.Replace(pub, "PUBLIC KEY", "PRIVATE KEY", 2)
		}), pos.SecretAlipayAppKey, pos.ProblemKeyKind},
		{"enabled without a key", cs.channel(pos.UnionPay, func(c *pos.ChannelConfig) {
			c.Enabled = false
			delete(c.Secrets, pos.SecretAcquirerHMACKey)
		}), pos.SecretAcquirerHMACKey, pos.ProblemMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := testConnection(context.Background(), tt.c)
			var ce *pos.ChannelError
			if !errors.As(err, &ce) || ce.Problems[0].Field != tt.field || ce.Problems[0].Problem != tt.problem {
				t.Fatalf("testConnection() = %v, want %s %s", err, tt.field, tt.problem)
			}
		})
	}
}

func TestChannelTestGatewayDown(t *testing.T) {
	cs := newChannelSim(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	stop := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-stop }))
	defer hang.Close()
	defer close(stop) // before Close, which waits for the handlers
	page := httptest.NewServer(http.NotFoundHandler())
	defer page.Close()

	tests := []struct {
		name    string
		gateway string
		timeout time.Duration
		fault   pos.Fault
		code    pos.Code
	}{
		{"nothing listening", down, 0, pos.FaultUnreachable, pos.CodeUnavailable},
		{"no answer in time", hang.URL, 0, pos.FaultUnreachable, pos.CodeUnavailable},
		{"a web server, not the provider", page.URL, 0, pos.FaultNotGateway, pos.CodeInvalid},
	}
	for _, tt := range tests {
		for _, p := range pos.ChannelProviders {
			t.Run(tt.name+"/"+string(p), func(t *testing.T) {
				c := cs.channel(p, func(c *pos.ChannelConfig) { c.Gateway = tt.gateway })
				ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
				defer cancel()
				err := testConnection(ctx, c)
				var ce *pos.ConnectionError
				if !errors.As(err, &ce) || ce.Fault != tt.fault || pos.ErrorCode(err) != tt.code {
					t.Errorf("testConnection() = %v (code %v), want fault %s, code %s", err, pos.ErrorCode(err), tt.fault, tt.code)
				}
			})
		}
	}
}

func TestClientsFromChannels(t *testing.T) {
	cs := newChannelSim(t)
	bad := cs.channel(pos.Alipay, func(c *pos.ChannelConfig) { c.AppID = "x" })
	off := cs.channel(pos.Wechat, func(c *pos.ChannelConfig) { c.Enabled = false })
	clients, err := clientsFromChannels([]pos.ChannelConfig{bad, off, cs.cfgs[pos.UnionPay]})
	var ce *pos.ChannelError
	if !errors.As(err, &ce) || ce.Provider != pos.Alipay {
		t.Errorf("clientsFromChannels error = %v, want alipay's problem", err)
	}
	if len(clients) != 3 || clients[pos.UnionPay] == nil || clients[pos.ECNY] != clients[pos.UnionPay] ||
		clients[pos.Card] != clients[pos.UnionPay] {
		t.Errorf("clients = %v, want the acquirer for unionpay, ecny and card refunds only", clients)
	}
	res, err := clients[pos.ECNY].Query(context.Background(), probeTradeNo())
	if err != nil || res.Status != pos.StatusNotFound {
		t.Errorf("e-CNY query through the built client = %+v, %v", res, err)
	}
	all, err := clientsFromChannels([]pos.ChannelConfig{cs.cfgs[pos.Alipay], cs.cfgs[pos.Wechat], cs.cfgs[pos.UnionPay]})
	if err != nil || len(all) != 5 {
		t.Errorf("clientsFromChannels(all three) = %d clients, %v", len(all), err)
	}
}

func TestOpenChannels(t *testing.T) {
	cs := newChannelSim(t)
	db := storagetest.NewDB(t)
	dataDir := t.TempDir()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	vault, clients, err := openChannels(ctx, db, dataDir, log)
	if err != nil || len(clients) != 0 {
		t.Fatalf("openChannels(new shop) = %v, %v; want no clients", clients, err)
	}
	if st, err := os.Stat(filepath.Join(dataDir, secretKeyFile)); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("secret key file: %v, %v", st, err)
	}
	for _, p := range pos.ChannelProviders {
		if err := channelDeps(vault).Store.SaveChannel(ctx, cs.cfgs[p]); err != nil {
			t.Fatal(err)
		}
	}
	_, clients, err = openChannels(ctx, db, dataDir, log)
	if err != nil || len(clients) != 5 {
		t.Fatalf("openChannels(three channels) = %d clients, %v", len(clients), err)
	}
	if res, err := clients[pos.Wechat].Query(ctx, probeTradeNo()); err != nil || res.Status != pos.StatusNotFound {
		t.Errorf("query through the opened WeChat client = %+v, %v", res, err)
	}

	// Another till's key file: the till starts, with no channel.
	other := t.TempDir()
	if _, clients, err := openChannels(ctx, db, other, log); err != nil || len(clients) != 0 {
		t.Errorf("openChannels(wrong key file) = %d clients, %v; want none and no error", len(clients), err)
	}
	if err := os.WriteFile(filepath.Join(other, secretKeyFile), []byte("damaged"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := openChannels(ctx, db, other, log); err == nil {
		t.Error("openChannels accepted a damaged key file")
	}
}

func TestImportCredentialsDir(t *testing.T) {
	cs := newChannelSim(t)
	cfgs, err := importCredentialsDir(cs.dir)
	if err != nil || len(cfgs) != 3 {
		t.Fatalf("importCredentialsDir = %d channels, %v", len(cfgs), err)
	}
	if got, want := cfgs[0].Gateway, "http://127.0.0.1:8090/alipay/gateway.do"; got != want {
		t.Errorf("alipay gateway = %q, want the simulator's default %q", got, want)
	}
	if _, err := importCredentialsDir(t.TempDir()); pos.ErrorCode(err) != pos.CodeInvalid {
		t.Errorf("importCredentialsDir(empty dir) = %v, want CodeInvalid", err)
	}
}

// keyFileTests are the table of TestImportKeyFile and the seeds of
// FuzzParseKeyFile; want is "" for a file that must be refused.
func keyFileTests(t testing.TB) map[string]struct{ content, want string } {
	key, pub, cert := spareKeyPEM(t)
	block, _ := pem.Decode([]byte(key))
	bare := base64.StdEncoding.EncodeToString(block.Bytes)
	return map[string]struct{ content, want string }{
		"pem private key":        {key, key},
		"crlf pem":               {strings.ReplaceAll(cert, "\n", "\r\n"), cert},
		"public key":             {pub, pub},
		"alipay key tool (bare)": {bare[:64] + "\n" + bare[64:] + "\n", key},
		"text":                   {"hello, this is not a key", ""},
		"pem of a damaged key":   {strings.Replace(key, key[40:48], "AAAAAAAA", 1), ""},
		"pem of another kind":    {string(pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{6, 5}})), ""},
		"larger than any key":    {strings.Repeat("A", keyFileMax+1), ""},
		"empty":                  {"", ""},
	}
}

func TestImportKeyFile(t *testing.T) {
	dir := t.TempDir()
	for name, tt := range keyFileTests(t) {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := importKeyFile(path)
		switch {
		case tt.want == "" && pos.ErrorCode(err) != pos.CodeInvalid:
			t.Errorf("%s: importKeyFile = %.40q, %v; want CodeInvalid", name, got, err)
		case tt.want != "" && (err != nil || got != tt.want):
			t.Errorf("%s: importKeyFile = %.40q, %v; want %.40q", name, got, err, tt.want)
		}
	}
	if _, err := importKeyFile(filepath.Join(dir, "missing.pem")); pos.ErrorCode(err) != pos.CodeInvalid {
		t.Errorf("importKeyFile(missing) = %v", err)
	}
}

// FuzzParseKeyFile: never a panic; what is accepted is canonical PEM that
// parses again to itself.
func FuzzParseKeyFile(f *testing.F) {
	for _, tt := range keyFileTests(f) {
		f.Add([]byte(tt.content))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := parseKeyFile(b)
		if err != nil {
			return
		}
		if again, err := parseKeyFile([]byte(out)); err != nil || again != out {
			t.Fatalf("parseKeyFile(%q) = %q, but again = %q, %v", b, out, again, err)
		}
	})
}
