package pcsc

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// TapTest waits for one card on reader ("" for any) and describes it in one
// line for the hardware screen: the type and the masked card number or the
// UID. It never returns a full card number.
func TapTest(ctx context.Context, reader string) (string, error) {
	r, err := readOnce(ctx, reader, io.Discard)
	if err != nil {
		return "", err
	}
	if r.Type == "uid" {
		return fmt.Sprintf("会员卡 UID %s · %s", r.UID, r.Reader), nil
	}
	return strings.TrimSpace(fmt.Sprintf("%s %s %s · 有效期 %s · %s", r.Chinese, r.Label, r.MaskedPAN, r.Expiry, r.Reader)), nil
}

// ListReaders returns the PC/SC readers pcscd knows.
func ListReaders() ([]string, error) {
	pc, err := Open()
	if err != nil {
		return nil, err
	}
	defer func() { _ = pc.Close() }() // nothing to do about a failed release
	return pc.Readers()
}
