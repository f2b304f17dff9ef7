package vcard

import (
	"bytes"
	"context"
	"errors"
)

// Handler answers one command APDU with a response APDU (data and status
// word). A nil answer means the card has left the field: a socket Card drops
// its connection without answering, Transmit returns ErrPulled.
type Handler func(apdu []byte) []byte

// ErrPulled is what Transmit returns when the Handler pulled the card away.
var ErrPulled = errors.New("vcard: card pulled away from the reader")

// Transmit makes a Handler a transceiver of package nfc that needs no
// reader: the card answers in memory. Both slices are copies, so neither
// side can change the other's buffers.
func (h Handler) Transmit(ctx context.Context, apdu []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	reply := h(bytes.Clone(apdu))
	if reply == nil {
		return nil, ErrPulled
	}
	return bytes.Clone(reply), nil
}

// command is a parsed command APDU.
type command struct {
	cla, ins, p1, p2 byte
	data             []byte
	le               int // -1 when absent; 256 or 65536 for a zero Le field
}

// parseCommand decodes the four ISO 7816-4 cases, short and extended.
func parseCommand(apdu []byte) (command, bool) {
	if len(apdu) < 4 {
		return command{}, false
	}
	c := command{cla: apdu[0], ins: apdu[1], p1: apdu[2], p2: apdu[3], le: -1}
	body := apdu[4:]
	switch {
	case len(body) == 0: // case 1
		return c, true
	case len(body) == 1: // case 2 short
		c.le = shortLe(body[0])
		return c, true
	case body[0] != 0: // cases 3 and 4 short
		return c.withData(body[1:], int(body[0]), 1)
	case len(body) == 3: // case 2 extended
		c.le = extendedLe(body[1:])
		return c, true
	default: // cases 3 and 4 extended
		if len(body) < 3 {
			return command{}, false
		}
		return c.withData(body[3:], int(body[1])<<8|int(body[2]), 2)
	}
}

// withData takes lc data bytes from rest and an Le of leSize bytes if left.
func (c command) withData(rest []byte, lc, leSize int) (command, bool) {
	switch {
	case len(rest) == lc:
	case len(rest) == lc+leSize && leSize == 1:
		c.le = shortLe(rest[lc])
	case len(rest) == lc+leSize:
		c.le = extendedLe(rest[lc:])
	default:
		return command{}, false
	}
	c.data = rest[:lc]
	return c, true
}

func shortLe(b byte) int {
	if b == 0 {
		return 256
	}
	return int(b)
}

func extendedLe(b []byte) int {
	if n := int(b[0])<<8 | int(b[1]); n != 0 {
		return n
	}
	return 65536
}

// Status words the cards answer.
const (
	swOK              = 0x9000
	swWrongLength     = 0x6700
	swConditions      = 0x6985
	swFileNotFound    = 0x6A82
	swRecordNotFound  = 0x6A83
	swWrongP1P2       = 0x6A86
	swINSNotSupported = 0x6D00
)

// reply appends the status word to data.
func reply(data []byte, sw uint16) []byte {
	out := make([]byte, 0, len(data)+2)
	out = append(out, data...)
	return append(out, byte(sw>>8), byte(sw))
}
