package cardterm

import (
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"
	"io"
)

// Sealing keeps the PAN of an offline approval until its upload: encrypted
// and authenticated with AES-256-GCM under the terminal's seal key, with
// the out_trade_no as additional data, so a sealed PAN moved to another
// record does not open. The format is a version byte, the 12-byte nonce
// and the ciphertext with its tag.

const (
	sealVersion = 1
	sealKeyLen  = 32 // AES-256
	sealAD      = "zhanggui card capture v1|"
)

// ErrUnseal means a sealed PAN does not open: another key, another order,
// or damaged data. Uploading the capture is then impossible.
var ErrUnseal = errors.New("cardterm: sealed PAN does not open")

// newAEAD makes the cipher of a seal key.
func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != sealKeyLen {
		return nil, fmt.Errorf("cardterm: seal key of %d bytes, want %d", len(key), sealKeyLen)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("cardterm: seal key: %w", err)
	}
	return cipher.NewGCM(block)
}

// seal encrypts pan for the order outTradeNo with a nonce from rnd.
func seal(aead cipher.AEAD, rnd io.Reader, pan []byte, outTradeNo string) ([]byte, error) {
	out := make([]byte, 1+aead.NonceSize(), 1+aead.NonceSize()+len(pan)+aead.Overhead())
	out[0] = sealVersion
	if _, err := io.ReadFull(rnd, out[1:]); err != nil {
		return nil, fmt.Errorf("cardterm: seal nonce: %w", err)
	}
	return aead.Seal(out, out[1:], pan, []byte(sealAD+outTradeNo)), nil
}

// unseal opens what seal made for outTradeNo. The caller zeroes the PAN.
func unseal(aead cipher.AEAD, sealed []byte, outTradeNo string) ([]byte, error) {
	n := aead.NonceSize()
	if len(sealed) < 1+n+aead.Overhead() || sealed[0] != sealVersion {
		return nil, fmt.Errorf("%w: %d bytes, version %v", ErrUnseal, len(sealed), sealed[:min(len(sealed), 1)])
	}
	pan, err := aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(sealAD+outTradeNo))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnseal, err)
	}
	return pan, nil
}
