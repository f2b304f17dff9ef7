package nfc

// RevealPAN calls use with a copy of the PAN's ASCII digits and zeroes the
// copy when use returns, whatever it returns. It exists for the one party
// that needs the number itself: the acquirer's authorization request, or
// sealing an offline approval for its later upload. use must not keep,
// print or log the slice. After Wipe it returns ErrWiped without calling use;
// otherwise it returns use's error.
func (c *Card) RevealPAN(use func(pan []byte) error) error {
	if c.secret == nil || c.secret.pan == nil {
		return ErrWiped
	}
	pan := make([]byte, len(c.secret.pan))
	copy(pan, c.secret.pan)
	defer clear(pan)
	return use(pan)
}
