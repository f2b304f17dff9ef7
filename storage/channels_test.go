package storage_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"zhanggui/pos"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

// randomPEM is a PEM block of random bytes: distinctive enough that finding
// any slice of it in the database file means it was stored in clear.
func randomPEM(t testing.TB, typ string) string {
	t.Helper()
	b := make([]byte, 600)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b}))
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n/2)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// testChannels are one enabled channel of each provider.
func testChannels(t testing.TB) []pos.ChannelConfig {
	t.Helper()
	return []pos.ChannelConfig{
		{Provider: pos.Alipay, Enabled: true, AppID: "2021000000000001", Timeout: 8 * time.Second,
			Secrets: pos.Secrets{pos.SecretAlipayAppKey: randomPEM(t, "PRIVATE KEY")},
			Certs:   map[string]string{pos.CertAlipayPublicKey: randomPEM(t, "PUBLIC KEY")}},
		{Provider: pos.Wechat, Enabled: true, AppID: "wx0123456789abcdef", MchID: "1900000001", WeChatAPI: "v3",
			PublicKeyID: "PUB_KEY_ID_0119000000012026112500000001", Serial: "5157F09EFDC096DE",
			Gateway: "https://api.mch.weixin.qq.com",
			Secrets: pos.Secrets{pos.SecretWechatAPIv2Key: randomHex(t, 32), pos.SecretWechatMerchantKey: randomPEM(t, "PRIVATE KEY")},
			Certs: map[string]string{pos.CertWechatMerchant: randomPEM(t, "CERTIFICATE"),
				pos.CertWechatPayPublicKey: randomPEM(t, "PUBLIC KEY")}},
		{Provider: pos.UnionPay, MerchantID: "898123456785411", Gateway: "http://127.0.0.1:8090/acquirer",
			Secrets: pos.Secrets{pos.SecretAcquirerHMACKey: randomHex(t, 64)}},
	}
}

func newVault(t *testing.T, db *storage.DB) (*storage.ChannelVault, []byte) {
	t.Helper()
	key, err := storage.LoadOrCreateKey(filepath.Join(t.TempDir(), "secret.key"))
	must(t, err)
	v, err := db.ChannelVault(key)
	must(t, err)
	return v, key
}

func saveAll(t *testing.T, v *storage.ChannelVault, cs []pos.ChannelConfig) {
	t.Helper()
	for _, c := range cs {
		must(t, v.SaveChannel(ctx, c))
	}
}

func TestChannelRoundTrip(t *testing.T) {
	db := storagetest.NewDB(t)
	v, _ := newVault(t, db)
	want := testChannels(t)
	saveAll(t, v, []pos.ChannelConfig{want[2], want[0], want[1]}) // read back in screen order
	got, err := v.Channels(ctx)
	must(t, err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Channels() after SaveChannel (-want +got):\n%s", diff)
	}
	one, err := v.Channel(ctx, pos.Wechat)
	must(t, err)
	if diff := cmp.Diff(want[1], one); diff != "" {
		t.Errorf("Channel(wechat) (-want +got):\n%s", diff)
	}

	// Saving again replaces the channel: a key left out is deleted.
	ali := want[0]
	ali.Enabled, ali.Certs = false, nil
	must(t, v.SaveChannel(ctx, ali))
	one, err = v.Channel(ctx, pos.Alipay)
	must(t, err)
	if diff := cmp.Diff(ali, one); diff != "" {
		t.Errorf("Channel(alipay) after a second save (-want +got):\n%s", diff)
	}
	if n := count(t, rawDB(t, db.Path()), "channel_secrets"); n != 6 {
		t.Errorf("%d sealed keys stored, want 6", n)
	}
}

func TestChannelNotFoundAndInvalid(t *testing.T) {
	db := storagetest.NewDB(t)
	v, _ := newVault(t, db)
	if _, err := v.Channel(ctx, pos.Alipay); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Channel(never saved) = %v, want ErrNotFound", err)
	}
	bad := testChannels(t)[0]
	bad.AppID = "12"
	err := v.SaveChannel(ctx, bad)
	var ce *pos.ChannelError
	if pos.ErrorCode(err) != pos.CodeInvalid || !errors.As(err, &ce) || ce.Problems[0].Field != "AppID" {
		t.Errorf("SaveChannel(bad app id) = %v, want CodeInvalid naming AppID", err)
	}
	if n := count(t, rawDB(t, db.Path()), "channels"); n != 0 {
		t.Errorf("an invalid channel was stored (%d rows)", n)
	}
}

// TestChannelFileHoldsNoPlaintext reads the raw bytes of the database, its
// WAL and the checkpointed file after Close: no key may appear in clear,
// whole or in part, nor the secret key that seals them.
func TestChannelFileHoldsNoPlaintext(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "zhanggui.db")
	db, err := storage.Open(path)
	must(t, err)
	v, key := newVault(t, db)
	cs := testChannels(t)
	saveAll(t, v, cs)
	saveAll(t, v, cs) // a second time: old pages must not keep a clear copy either
	check := func(when string) {
		t.Helper()
		files, _ := filepath.Glob(path + "*")
		for _, f := range files {
			raw, err := os.ReadFile(f)
			must(t, err)
			for _, needle := range plaintexts(cs, key) {
				if bytes.Contains(raw, []byte(needle)) {
					t.Errorf("%s: %s holds %q in clear", when, filepath.Base(f), needle)
				}
			}
		}
	}
	check("open")
	must(t, db.Close())
	check("closed")
}

// plaintexts are every secret and certificate, a slice of the base64 inside
// each PEM, their raw DER bytes, and the secret key in hex and raw.
func plaintexts(cs []pos.ChannelConfig, key []byte) []string {
	out := []string{hex.EncodeToString(key), string(key)}
	for _, c := range cs {
		for _, m := range []map[string]string{c.Secrets, c.Certs} {
			for _, s := range m {
				out = append(out, s)
				if block, _ := pem.Decode([]byte(s)); block != nil {
					b64 := base64.StdEncoding.EncodeToString(block.Bytes)
					out = append(out, b64[100:140], string(block.Bytes[100:140]))
				} else {
					out = append(out, s[8:24])
				}
			}
		}
	}
	return out
}

func TestChannelWrongKey(t *testing.T) {
	db := storagetest.NewDB(t)
	v, _ := newVault(t, db)
	cs := testChannels(t)
	saveAll(t, v, cs)

	other, _ := newVault(t, db) // another till's key file, or a new one after the old was lost
	got, err := other.Channels(ctx)
	if !errors.Is(err, storage.ErrWrongKey) || pos.ErrorCode(err) != pos.CodeInvalid {
		t.Fatalf("Channels() with another key = %v, want ErrWrongKey", err)
	}
	if len(got) != 3 || got[0].AppID != cs[0].AppID || len(got[0].Secrets)+len(got[1].Secrets) != 0 {
		t.Errorf("Channels() with another key = %v, want the IDs without keys", got)
	}
	if !strings.Contains(err.Error(), "密钥文件与数据库不匹配") {
		t.Errorf("error %q does not say the key file does not match", err)
	}
	if err := other.SaveChannel(ctx, cs[2]); !errors.Is(err, storage.ErrWrongKey) {
		t.Errorf("SaveChannel() with another key = %v, want ErrWrongKey", err)
	}
	if back, err := v.Channels(ctx); err != nil || !cmp.Equal(back, cs) {
		t.Errorf("after the refused save, the right key reads %v, %v; want the channels unchanged", back, err)
	}

	// The way out when the key is lost: forget the keys, import them again.
	must(t, other.ForgetSecrets(ctx))
	if back, err := other.Channels(ctx); err != nil || len(back) != 3 || back[0].Secrets != nil {
		t.Errorf("after ForgetSecrets: %v, %v; want the IDs, no keys, no error", back, err)
	}
	must(t, other.SaveChannel(ctx, cs[0]))
	if back, err := other.Channel(ctx, pos.Alipay); err != nil || !cmp.Equal(back, cs[0]) {
		t.Errorf("re-imported channel reads %v, %v", back, err)
	}
}

func TestChannelTamperedCiphertext(t *testing.T) {
	for name, edit := range map[string]string{
		"flipped byte": `UPDATE channel_secrets SET sealed = zeroblob(length(sealed)) WHERE name = '` + pos.SecretAlipayAppKey + `'`,
		// A value sealed for one row, copied into another: the associated
		// data (provider, kind, name) no longer matches.
		"moved value": `UPDATE channel_secrets SET (nonce, sealed) = (SELECT nonce, sealed FROM channel_secrets
			WHERE name = '` + pos.SecretWechatAPIv2Key + `') WHERE name = '` + pos.SecretWechatMerchantKey + `'`,
		"other nonce": `UPDATE channel_secrets SET nonce = zeroblob(12) WHERE name = '` + pos.SecretAcquirerHMACKey + `'`,
	} {
		t.Run(name, func(t *testing.T) {
			db := storagetest.NewDB(t)
			v, _ := newVault(t, db)
			saveAll(t, v, testChannels(t))
			if _, err := rawDB(t, db.Path()).Exec(edit); err != nil {
				t.Fatal(err)
			}
			if _, err := v.Channels(ctx); !errors.Is(err, storage.ErrSecretDamaged) {
				t.Errorf("Channels() after %s = %v, want ErrSecretDamaged", name, err)
			}
		})
	}
}

func TestChannelNoncesAreFresh(t *testing.T) {
	db := storagetest.NewDB(t)
	v, _ := newVault(t, db)
	c := testChannels(t)[2]
	var seen [][]byte
	for range 3 {
		must(t, v.SaveChannel(ctx, c))
		var nonce, sealed []byte
		must(t, rawDB(t, db.Path()).QueryRow(`SELECT nonce, sealed FROM channel_secrets`).Scan(&nonce, &sealed))
		for _, s := range seen {
			if bytes.Equal(s, sealed) {
				t.Fatal("the same key sealed twice gave the same ciphertext: the nonce was reused")
			}
		}
		seen = append(seen, sealed)
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "dir", "secret.key")
	key, err := storage.LoadOrCreateKey(path)
	must(t, err)
	if len(key) != storage.SecretKeySize {
		t.Fatalf("key has %d bytes", len(key))
	}
	st, err := os.Stat(path)
	must(t, err)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	again, err := storage.LoadOrCreateKey(path)
	must(t, err)
	if !bytes.Equal(key, again) {
		t.Error("a second load made a new key")
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".secret-key-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}

	must(t, os.Chmod(path, 0o644))
	if _, err := storage.LoadOrCreateKey(path); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("a key file readable by others stays %v, want 0600", st.Mode().Perm())
	}
}

func TestLoadOrCreateKeyDamaged(t *testing.T) {
	for name, content := range map[string]string{"empty": "", "short": "abcd\n", "not hex": strings.Repeat("zz", 32)} {
		path := filepath.Join(t.TempDir(), "secret.key")
		must(t, os.WriteFile(path, []byte(content), 0o600))
		_, err := storage.LoadOrCreateKey(path)
		if !errors.Is(err, storage.ErrKeyFileDamaged) {
			t.Errorf("%s key file: LoadOrCreateKey = %v, want ErrKeyFileDamaged", name, err)
		}
		if b, _ := os.ReadFile(path); string(b) != content {
			t.Errorf("%s key file was changed to %q", name, b)
		}
	}
	if _, err := (&storage.DB{}).ChannelVault(make([]byte, 16)); err == nil {
		t.Error("ChannelVault accepted a 16-byte key")
	}
}

// BenchmarkChannels reads three channels and opens their seven keys, as
// the till does at start and the channels screen on every visit.
func BenchmarkChannels(b *testing.B) {
	db := storagetest.NewDB(b)
	key, err := storage.LoadOrCreateKey(filepath.Join(b.TempDir(), "secret.key"))
	must(b, err)
	v, err := db.ChannelVault(key)
	must(b, err)
	for _, c := range testChannels(b) {
		must(b, v.SaveChannel(ctx, c))
	}
	for b.Loop() {
		if _, err := v.Channels(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
