package nfc

import (
	"context"
	"fmt"
)

// Transceiver sends one command APDU to a card and returns the response APDU,
// status word included. pcsc.Conn is the real one; vcard.Handler answers in
// memory. A Transceiver reports a card that left with an error wrapping
// ErrCardRemoved. The returned slice belongs to the caller, which may
// overwrite it: ReadCard zeroes the answers that held card data.
type Transceiver interface {
	Transmit(ctx context.Context, apdu []byte) ([]byte, error)
}

// NoLe marks a command that expects no response data (ISO 7816-4 cases 1, 3).
const NoLe = -1

// Limits of ISO 7816-4 extended length fields.
const (
	maxLc = 65535
	maxLe = 65536
)

// Command is a command APDU (ISO 7816-4 §5.1).
type Command struct {
	CLA, INS, P1, P2 byte
	Data             []byte // the command data field; empty for cases 1 and 2
	// Le is Ne, the most response bytes expected: NoLe (-1) for none, 0 for
	// "all there is" (encoded 00, or 0000 in extended form), 1..65536.
	Le int
}

// Bytes encodes c, choosing short fields when Data fits 255 bytes and Le 256,
// and extended ones (a 00 marker and 2-byte fields) otherwise. It fails for
// more than 65535 data bytes or an Le outside -1..65536.
func (c Command) Bytes() ([]byte, error) {
	if len(c.Data) > maxLc {
		return nil, fmt.Errorf("nfc: command %02X %02X: %d data bytes, at most %d",
			c.CLA, c.INS, len(c.Data), maxLc)
	}
	if c.Le < NoLe || c.Le > maxLe {
		return nil, fmt.Errorf("nfc: command %02X %02X: Le %d outside -1..%d", c.CLA, c.INS, c.Le, maxLe)
	}
	b := make([]byte, 0, 4+3+len(c.Data)+3)
	b = append(b, c.CLA, c.INS, c.P1, c.P2)
	extended := len(c.Data) > 255 || c.Le > 256
	if len(c.Data) > 0 {
		if extended {
			b = append(b, 0, byte(len(c.Data)>>8), byte(len(c.Data)))
		} else {
			b = append(b, byte(len(c.Data)))
		}
		b = append(b, c.Data...)
	}
	if c.Le == NoLe {
		return b, nil
	}
	if !extended {
		return append(b, byte(c.Le)), nil // 256 and 0 both encode as 00
	}
	if len(c.Data) == 0 {
		b = append(b, 0) // case 2E: the marker precedes Le
	}
	return append(b, byte(c.Le>>8), byte(c.Le)), nil // 65536 and 0 encode as 0000
}

// Response is a response APDU: the data field and the status word SW1 SW2.
type Response struct {
	Data []byte
	SW   uint16
}

// ParseResponse splits a response APDU. One shorter than its status word
// yields an error wrapping ErrBadResponse.
func ParseResponse(raw []byte) (Response, error) {
	if len(raw) < 2 {
		return Response{}, fmt.Errorf("%w: response of %d bytes has no status word", ErrBadResponse, len(raw))
	}
	n := len(raw) - 2
	return Response{Data: raw[:n:n], SW: uint16(raw[n])<<8 | uint16(raw[n+1])}, nil
}

// OK reports whether the status word is 9000.
func (r Response) OK() bool { return r.SW == SWOK }

// maxExchangeSteps bounds the APDUs one Exchange sends (GET RESPONSE rounds
// and 6Cxx resends): a card that keeps answering 61xx cannot hold the till.
const maxExchangeSteps = 64

// Exchange sends c and follows the transport rules of ISO 7816-4 §5.3.4: on
// 61xx it fetches the rest with GET RESPONSE (as often as the card chains
// them), and on 6Cxx it sends the command again once with the Le the card
// asked for. It returns the whole data and the final status word; a status
// other than 9000 also yields a *StatusError. Errors of the Transceiver are
// returned as it gave them. The data aliases the Transceiver's answer, or
// for a chained answer a buffer whose chunks were zeroed after copying.
func Exchange(ctx context.Context, t Transceiver, c Command) (Response, error) {
	var data []byte
	resent := false
	for range maxExchangeSteps {
		r, err := send(ctx, t, c)
		if err != nil {
			return Response{}, err
		}
		sw1, sw2 := byte(r.SW>>8), byte(r.SW)
		switch {
		case sw1 == 0x6C && !resent:
			c.Le, resent = leOf(sw2), true
		case sw1 == 0x61:
			data = gather(data, r.Data)
			c, resent = Command{INS: insGetResponse, Le: leOf(sw2)}, false
		default:
			if data != nil {
				r.Data = gather(data, r.Data)
			}
			if !r.OK() {
				return r, &StatusError{SW: r.SW}
			}
			return r, nil
		}
	}
	return Response{}, fmt.Errorf("%w: more than %d GET RESPONSE rounds", ErrBadResponse, maxExchangeSteps)
}

// gather appends a chunk of a chained answer to data and zeroes the chunk,
// so that the answer, which may hold a PAN, exists once.
func gather(data, chunk []byte) []byte {
	data = append(data, chunk...)
	clear(chunk)
	return data
}

// send transmits one command and splits its response.
func send(ctx context.Context, t Transceiver, c Command) (Response, error) {
	if err := ctx.Err(); err != nil {
		return Response{}, err
	}
	apdu, err := c.Bytes()
	if err != nil {
		return Response{}, err
	}
	raw, err := t.Transmit(ctx, apdu)
	if err != nil {
		return Response{}, err
	}
	return ParseResponse(raw)
}

// leOf turns the SW2 of 61xx or 6Cxx into an Le: 00 there means 256.
func leOf(sw2 byte) int {
	if sw2 == 0 {
		return 256
	}
	return int(sw2)
}
