package cardterm

import (
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"testing"
)

const testPAN = "6222021001123456789"

func testAEAD(t testing.TB) cipher.AEAD {
	t.Helper()
	a, err := newAEAD(bytes.Repeat([]byte{7}, sealKeyLen))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestSealRoundTrip(t *testing.T) {
	a := testAEAD(t)
	sealed, err := seal(a, rand.Reader, []byte(testPAN), "ORDER1")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte(testPAN[6:15])) {
		t.Fatal("the sealed PAN shows its digits")
	}
	again, _ := seal(a, rand.Reader, []byte(testPAN), "ORDER1")
	if bytes.Equal(sealed, again) {
		t.Error("two seals of one PAN are equal: the nonce is not fresh")
	}
	pan, err := unseal(a, sealed, "ORDER1")
	if err != nil || string(pan) != testPAN {
		t.Fatalf("unseal = %d digits, %v; want the PAN back", len(pan), err)
	}
	other, _ := newAEAD(bytes.Repeat([]byte{8}, sealKeyLen))
	flipped := bytes.Clone(sealed)
	flipped[len(flipped)-1] ^= 1
	newer := bytes.Clone(sealed)
	newer[0] = sealVersion + 1
	for what, try := range map[string]func() ([]byte, error){
		"another order":   func() ([]byte, error) { return unseal(a, sealed, "ORDER2") },
		"another key":     func() ([]byte, error) { return unseal(other, sealed, "ORDER1") },
		"a flipped bit":   func() ([]byte, error) { return unseal(a, flipped, "ORDER1") },
		"another version": func() ([]byte, error) { return unseal(a, newer, "ORDER1") },
		"too short":       func() ([]byte, error) { return unseal(a, sealed[:20], "ORDER1") },
		"nothing":         func() ([]byte, error) { return unseal(a, nil, "ORDER1") },
	} {
		if pan, err := try(); !errors.Is(err, ErrUnseal) || pan != nil {
			t.Errorf("unseal with %s = %q, %v; want ErrUnseal", what, pan, err)
		}
	}
}

func TestSealKeyLength(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33} {
		if _, err := newAEAD(make([]byte, n)); err == nil {
			t.Errorf("newAEAD with a %d-byte key: no error", n)
		}
	}
}

// FuzzUnseal: a stored record is outside input; unseal must refuse what it
// did not make, never panic, never return a PAN.
func FuzzUnseal(f *testing.F) {
	a := testAEAD(f)
	good, err := seal(a, rand.Reader, []byte(testPAN), "ORDER1")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good, "ORDER1")
	f.Add(good[:13], "ORDER1")
	f.Add([]byte{}, "")
	f.Fuzz(func(t *testing.T, sealed []byte, no string) {
		pan, err := unseal(a, sealed, no)
		if err == nil && (no != "ORDER1" || string(pan) != testPAN) {
			t.Fatalf("unseal(%X, %q) opened to %q", sealed, no, pan)
		}
		if err != nil && (pan != nil || !errors.Is(err, ErrUnseal)) {
			t.Fatalf("unseal(%X, %q) = %q, %v", sealed, no, pan, err)
		}
	})
}
