// Package pcsc connects package nfc to card readers through the PC/SC
// service (pcscd on Linux, WinSCard on Windows) with github.com/ebfe/scard.
// It is the only importer of that cgo binding: everything it does with a card
// goes through nfc.Transceiver, so the EMV and TLV code stays pure.
//
// Blocking calls take a context. Waiting for a card sleeps in pcscd's
// GetStatusChange, never polling; the context's end cancels it with
// SCardCancel. Errors wrap nfc's sentinels (nfc.ErrNoService, ErrNoReader,
// ErrNoCard, ErrCardRemoved, ErrCardReset) so nfc.ChineseMessage can word
// them for the cashier.
package pcsc

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ebfe/scard"

	"zhanggui/hardware/nfc"
)

// Context is a connection to the PC/SC service. Use it from one goroutine:
// the only call PC/SC allows from another is the cancellation WaitCard makes
// itself when its context ends.
type Context struct {
	sc *scard.Context
}

// Open connects to the PC/SC service. Without pcscd it fails with
// nfc.ErrNoService.
func Open() (*Context, error) {
	sc, err := scard.EstablishContext()
	if err != nil {
		return nil, wrap("establish context", err)
	}
	return &Context{sc: sc}, nil
}

// Close releases the connection to the service.
func (c *Context) Close() error {
	if err := c.sc.Release(); err != nil {
		return wrap("release context", err)
	}
	return nil
}

// Readers lists the connected readers; none is an empty list, not an error.
func (c *Context) Readers() ([]string, error) {
	names, err := c.sc.ListReaders()
	if errors.Is(err, scard.ErrNoReadersAvailable) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("list readers", err)
	}
	return names, nil
}

// Connect opens the card on reader in shared mode with T=0 or T=1, whichever
// the card offers. The Conn is the card's nfc.Transceiver.
func (c *Context) Connect(reader string) (*Conn, error) {
	card, err := c.sc.Connect(reader, scard.ShareShared, scard.ProtocolAny)
	if err != nil {
		return nil, wrap(fmt.Sprintf("connect to %q", reader), err)
	}
	return &Conn{card: card, reader: reader, sc: c.sc}, nil
}

// Conn is a connection to the card on one reader. Use it from the goroutine
// of its Context.
type Conn struct {
	card   *scard.Card
	reader string
	sc     *scard.Context // to watch the reader when a transmission fails
}

var _ nfc.Transceiver = (*Conn)(nil)

// Reader is the name of the reader the card is on.
func (c *Conn) Reader() string { return c.reader }

// Transmit sends one APDU and returns the card's answer with its status word.
// A card that left the reader yields nfc.ErrCardRemoved. PC/SC cannot
// interrupt an APDU in flight, so ctx is checked before it is sent.
func (c *Conn) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(apdu) < 4 {
		return nil, fmt.Errorf("pcsc: transmit: APDU of %d bytes", len(apdu)) // scard would panic on none
	}
	rsp, err := c.card.Transmit(apdu)
	switch {
	case err != nil:
		return nil, c.transmitError(err)
	case len(rsp) < 2 && c.cardLeft():
		// vpcd reports a card that vanished mid-command as an empty success
		return nil, fmt.Errorf("pcsc: transmit: %w (the reader returned %d bytes)", nfc.ErrCardRemoved, len(rsp))
	case len(rsp) < 2:
		return nil, fmt.Errorf("pcsc: transmit: %w: the reader returned %d bytes", nfc.ErrBadResponse, len(rsp))
	}
	return rsp, nil
}

// removalGrace is how long a failed transmission waits for pcscd to notice
// that the card has gone: pcscd polls readers such as vpcd every 400 ms.
const removalGrace = time.Second

// transmitError maps a failed transmission. A card pulled away mid-APDU
// often shows first as a communication failure; it becomes
// nfc.ErrCardRemoved once pcscd confirms the card is gone.
func (c *Conn) transmitError(err error) error {
	switch {
	case errors.Is(err, scard.ErrRemovedCard), errors.Is(err, scard.ErrResetCard):
		return wrap("transmit", err)
	case errors.Is(err, scard.ErrNotTransacted), errors.Is(err, scard.ErrCommError),
		errors.Is(err, scard.ErrUnresponsiveCard), errors.Is(err, scard.ErrNoSmartcard):
		if c.cardLeft() {
			return fmt.Errorf("pcsc: transmit: %w (%w)", nfc.ErrCardRemoved, err)
		}
	}
	return wrap("transmit", err)
}

// cardLeft asks pcscd whether the card is gone, waiting up to removalGrace
// (in GetStatusChange, not polling) for its next look at the reader. Only a
// failed transmission calls it, so a healthy read never waits.
func (c *Conn) cardLeft() bool {
	st, err := c.card.Status()
	if err != nil {
		return errors.Is(err, scard.ErrRemovedCard) || errors.Is(err, scard.ErrNoSmartcard) ||
			errors.Is(err, scard.ErrResetCard)
	}
	if st.State&scard.Present == 0 {
		return true
	}
	deadline := time.Now().Add(removalGrace)
	state := scard.StateUnaware // the first call returns the state at once
	for {
		rs := []scard.ReaderState{{Reader: c.reader, CurrentState: state}}
		if err := c.sc.GetStatusChange(rs, max(time.Until(deadline), 0)); err != nil {
			return false // timed out: the card is still there
		}
		if rs[0].EventState&scard.StatePresent == 0 {
			return true
		}
		if time.Until(deadline) <= 0 {
			return false
		}
		state = rs[0].EventState &^ scard.StateChanged
	}
}

// Close disconnects from the card and leaves it as it is.
func (c *Conn) Close() error {
	if err := c.card.Disconnect(scard.LeaveCard); err != nil {
		return wrap("disconnect", err)
	}
	return nil
}

// sentinels maps PC/SC errors to nfc's.
var sentinels = map[scard.Error]error{
	scard.ErrNoService:          nfc.ErrNoService,
	scard.ErrServiceStopped:     nfc.ErrNoService,
	scard.ErrNoReadersAvailable: nfc.ErrNoReader,
	scard.ErrReaderUnavailable:  nfc.ErrNoReader,
	scard.ErrUnknownReader:      nfc.ErrNoReader,
	scard.ErrNoSmartcard:        nfc.ErrNoCard,
	scard.ErrRemovedCard:        nfc.ErrCardRemoved,
	scard.ErrResetCard:          nfc.ErrCardReset,
}

// wrap names the operation and adds nfc's sentinel for err, keeping the
// PC/SC error for the log: "pcsc: transmit: nfc: card removed during the
// transaction (scard: Card was removed.)".
func wrap(op string, err error) error {
	var se scard.Error
	if errors.As(err, &se) {
		if s, ok := sentinels[se]; ok {
			return fmt.Errorf("pcsc: %s: %w (%w)", op, s, err)
		}
	}
	return fmt.Errorf("pcsc: %s: %w", op, err)
}
