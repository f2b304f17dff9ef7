package cardterm

import (
	"context"
	"errors"

	"zhanggui/hardware/nfc"
	"zhanggui/hardware/nfc/pcsc"
)

// Reader is where a terminal's cards are tapped: a PC/SC reader
// (PCSCReader), or a card in memory in tests.
type Reader interface {
	// WaitCard blocks until a card is on the reader, connects to it and
	// returns the connection; when ctx ends it returns an error wrapping
	// ctx's. Errors wrap the sentinels of package nfc.
	WaitCard(ctx context.Context) (CardConn, error)
}

// CardConn is a connection to one tapped card.
type CardConn interface {
	nfc.Transceiver
	Close() error
}

// PCSCReader is a reader of the PC/SC service (pcscd). Each WaitCard
// connects to the service afresh, so a restarted pcscd or a re-plugged
// reader costs no more than a failed charge.
type PCSCReader struct {
	// Name is the reader to use; "" waits on every reader and takes the
	// first card.
	Name string
}

// WaitCard waits for a card and connects to it. Without pcscd it fails
// with nfc.ErrNoService; when ctx's deadline passes, with an error
// wrapping nfc.ErrNoCard and context.DeadlineExceeded.
func (r PCSCReader) WaitCard(ctx context.Context) (CardConn, error) {
	pc, err := pcsc.Open()
	if err != nil {
		return nil, err
	}
	name, err := pc.WaitCard(ctx, r.Name)
	if err == nil {
		var conn *pcsc.Conn
		if conn, err = pc.Connect(name); err == nil {
			return &pcscConn{Conn: conn, pc: pc}, nil
		}
	}
	_ = pc.Close() // the wait's error is the one to report
	return nil, err
}

// pcscConn is a card connection that owns its PC/SC context.
type pcscConn struct {
	*pcsc.Conn
	pc *pcsc.Context
}

// Close disconnects from the card and releases the context. A card that
// has already left makes the disconnect fail; that is no error here.
func (c *pcscConn) Close() error {
	err := c.Conn.Close()
	if errors.Is(err, nfc.ErrCardRemoved) || errors.Is(err, nfc.ErrNoCard) || errors.Is(err, nfc.ErrCardReset) {
		err = nil
	}
	return errors.Join(err, c.pc.Close())
}
