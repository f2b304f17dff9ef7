package nfc

import (
	"context"
	"fmt"
)

// UID is a card's anticollision identifier in upper-case hex: 4, 7 or 10
// bytes for ISO 14443-A. Member cards are keyed by it. Logs get Masked.
type UID string

// Masked keeps the first and last 2 bytes of a UID of 6 bytes or more and the
// first and last byte of a shorter one: "04A1…E5F6".
func (u UID) Masked() string {
	keep := 4
	if len(u) < 12 {
		keep = 2
	}
	if len(u) <= 2*keep {
		return string(u)
	}
	return string(u[:keep]) + "…" + string(u[len(u)-keep:])
}

// maxUID bounds a UID: ISO 14443-A has at most 10 bytes, ISO 15693 8.
const maxUID = 10

// ReadUID asks the reader for the UID of the card on it with the PC/SC
// pseudo-APDU GET DATA (FF CA 00 00 00, PC/SC part 3 §3.2.2.1.3), which
// the reader answers itself for any contactless card. A reader or card
// without it yields a *StatusError (6A81).
func ReadUID(ctx context.Context, t Transceiver) (UID, error) {
	r, err := Exchange(ctx, t, Command{CLA: 0xFF, INS: insGetData, Le: 0})
	if err != nil {
		return "", fmt.Errorf("nfc: read UID: %w", err)
	}
	if len(r.Data) == 0 || len(r.Data) > maxUID {
		return "", fmt.Errorf("nfc: read UID: %w: UID of %d bytes", ErrBadResponse, len(r.Data))
	}
	return UID(fmt.Sprintf("%X", r.Data)), nil
}
