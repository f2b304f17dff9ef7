package storage

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"zhanggui/pos"
)

// SecretKeySize is the size of the key that seals the channels' keys:
// AES-256.
const SecretKeySize = 32

// keyFileMax bounds what is read of a key file: 64 hex digits and a newline.
const keyFileMax = 256

// Errors of the secret key and of sealed values.
var (
	// ErrKeyFileDamaged means the secret key file does not hold a key. It is
	// never overwritten: the sealed channel keys need the one it held.
	ErrKeyFileDamaged = pos.Errorf(pos.CodeInternal,
		"storage: the secret key file is damaged (密钥文件已损坏); restore it from a backup, "+
			"or move it away and import the payment keys again")

	// ErrWrongKey means the channel keys in the database were sealed under
	// another secret key: the key file is not the one that belongs to this
	// database. It is pos.ErrWrongSecretKey, which the screens explain.
	ErrWrongKey = pos.ErrWrongSecretKey

	// ErrSecretDamaged means a sealed value does not open under the right
	// key: the database was changed outside 掌柜, or is damaged. It is
	// pos.ErrSecretDamaged.
	ErrSecretDamaged = pos.ErrSecretDamaged
)

// LoadOrCreateKey returns the 32-byte secret key kept in the file at path,
// creating the file (mode 0600, 64 hex digits) with a new random key when
// it does not exist. The key seals the channels' keys (ChannelVault); it
// lives outside the database so that a copy of the database, or a backup
// of it, reveals no payment key. Keep the file with the till and back it up
// apart from the database.
//
// A file readable by others is made owner-only. A file that does not hold
// a key gives ErrKeyFileDamaged and is left as it is.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := readKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	if err := createKey(path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("storage: create secret key %s: %w", path, err)
	}
	return readKey(path) // ours, or the one another process made first
}

// readKey reads and checks a key file.
func readKey(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("storage: secret key: %w", err)
	}
	defer f.Close()
	if err := ownerOnly(f, path); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, keyFileMax))
	if err != nil {
		return nil, fmt.Errorf("storage: read secret key %s: %w", path, err)
	}
	key, ok := decodeKey(b)
	if !ok {
		return nil, fmt.Errorf("%w: %s does not hold 64 hex digits", ErrKeyFileDamaged, path)
	}
	return key, nil
}

// decodeKey reads a key file's contents: 64 hex digits, space around them
// allowed (a newline, or a copy typed back from paper).
func decodeKey(b []byte) ([]byte, bool) {
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	return key, err == nil && len(key) == SecretKeySize
}

// ownerOnly takes read and write away from group and others. Windows has
// no such bits (Go reports 0666): the profile directory protects the file.
func ownerOnly(f *os.File, path string) error {
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("storage: secret key %s: %w", path, err)
	}
	if runtime.GOOS == "windows" || st.Mode().Perm()&0o077 == 0 {
		return nil
	}
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("storage: secret key %s is readable by others and cannot be made private: %w", path, err)
	}
	return nil
}

// createKey writes a new key to a temporary file, flushes it and links it
// into place, so path is either absent or holds a whole key even after a
// power cut, and a key another process made first is never replaced.
func createKey(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	key := make([]byte, SecretKeySize)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".secret-key-*") // mode 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the link, path keeps the key
	_, err = tmp.WriteString(hex.EncodeToString(key) + "\n")
	if err == nil {
		err = tmp.Sync()
	}
	if err := errors.Join(err, tmp.Close()); err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// sealer seals and opens channel keys with AES-256-GCM.
type sealer struct {
	aead  cipher.AEAD
	keyID string // names the key in each sealed row, so a wrong key is told from damage
}

func newSealer(key []byte) (*sealer, error) {
	if len(key) != SecretKeySize {
		return nil, fmt.Errorf("storage: secret key has %d bytes, want %d", len(key), SecretKeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("storage: secret key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("storage: secret key: %w", err)
	}
	return &sealer{aead: aead, keyID: keyID(key)}, nil
}

// keyID names a key without revealing it: the first 8 bytes of an HMAC
// under the key of a fixed label.
func keyID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("zhanggui channel secret key id v1"))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// sealedValue is one sealed row's address and contents.
type sealedValue struct {
	provider    pos.Provider
	kind, name  string // kind is "secret" or "cert"
	keyID       string
	nonce, data []byte
}

// associated binds a sealed value to its row: moved to another provider,
// kind or name, it does not open.
func (v sealedValue) associated() []byte {
	return []byte("zhanggui/channel_secrets v1\x00" + string(v.provider) + "\x00" + v.kind + "\x00" + v.name)
}

// seal encrypts plaintext for the row v names, under a fresh random nonce.
func (s *sealer) seal(v sealedValue, plaintext string) (sealedValue, error) {
	v.keyID, v.nonce = s.keyID, make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(v.nonce); err != nil {
		return v, fmt.Errorf("nonce: %w", err)
	}
	v.data = s.aead.Seal(nil, v.nonce, []byte(plaintext), v.associated())
	return v, nil
}

// open decrypts v: ErrWrongKey if another key sealed it, ErrSecretDamaged
// if it does not open.
func (s *sealer) open(v sealedValue) (string, error) {
	if v.keyID != s.keyID {
		return "", fmt.Errorf("%w: %s %s was sealed with key %s", ErrWrongKey, v.provider, v.name, v.keyID)
	}
	if len(v.nonce) != s.aead.NonceSize() {
		return "", fmt.Errorf("%w: %s %s has a %d-byte nonce", ErrSecretDamaged, v.provider, v.name, len(v.nonce))
	}
	plain, err := s.aead.Open(nil, v.nonce, v.data, v.associated())
	if err != nil {
		return "", fmt.Errorf("%w: %s %s", ErrSecretDamaged, v.provider, v.name)
	}
	return string(plain), nil
}
