// Package vcard is a virtual contactless card for tests: it speaks the socket
// protocol of vsmartcard's vpcd driver, so pcscd shows it in the reader
// "Virtual PCD 00 00" (or "00 01") and our PC/SC code reads it exactly as it
// would a card on a real reader. Card profiles (a UnionPay QuickPass debit
// card, a Visa card, a MIFARE member card, a garbled card, a card pulled
// away mid-transaction) are plain Handlers, so the same cards also answer
// in memory through Handler.Transmit.
//
// It imports nothing of ours, not even package nfc, on purpose: the cards
// encode their answers with their own code, so a bug shared with the reader
// side cannot hide.
package vcard

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// vpcd's control messages: one byte; only ctrlATR expects a reply.
const (
	ctrlOff   = 0
	ctrlOn    = 1
	ctrlReset = 2
	ctrlATR   = 4
)

// ATRs of the cards.
var (
	// ATRContactless is an ISO 14443-4 type A card with no historical
	// bytes, as a PC/SC contactless reader builds it (PC/SC part 3 §3.1.3).
	ATRContactless = []byte{0x3B, 0x80, 0x80, 0x01, 0x01}
	// ATRUltralight is a MIFARE Ultralight storage card (PC/SC part 3).
	ATRUltralight = []byte{0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03,
		0x06, 0x03, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x68}
)

// slots are vpcd's two virtual readers, as the Debian package configures them.
var slots = [...]struct {
	port   int
	reader string
}{{35963, "Virtual PCD 00 00"}, {35964, "Virtual PCD 00 01"}}

// Slot is one of vpcd's readers, reserved for this process until Release:
// `go test ./...` runs packages in parallel, and two cards in one slot would
// fight over it.
type Slot struct {
	Addr   string // vpcd's socket, host:port
	Reader string // the PC/SC name pcscd gives the reader
	lock   *os.File
}

// Reserve takes slot n (0 or 1), waiting while another process holds it.
// The lock is a file in the temp directory, held with flock.
func Reserve(n int) (*Slot, error) {
	if n < 0 || n >= len(slots) {
		return nil, fmt.Errorf("vcard: no slot %d", n)
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("zhanggui-vpcd-%d.lock", slots[n].port))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return nil, fmt.Errorf("vcard: reserve slot %d: %w", n, err)
	}
	if err := lockFile(f); err != nil {
		_ = f.Close() // the lock error is the one to report
		return nil, fmt.Errorf("vcard: reserve slot %d: %w", n, err)
	}
	return &Slot{Addr: fmt.Sprintf("127.0.0.1:%d", slots[n].port), Reader: slots[n].reader, lock: f}, nil
}

// Release frees the slot for other processes.
func (s *Slot) Release() error {
	if s.lock == nil {
		return nil
	}
	err := s.lock.Close() // closing the file drops the flock
	s.lock = nil
	return err
}

// Card is a virtual card in a slot: connected to vpcd, answering its
// messages from a goroutine until Remove or until the Handler pulls it.
type Card struct {
	conn   net.Conn
	atr    []byte
	handle Handler
	apdus  atomic.Int64
	done   chan struct{}
	once   sync.Once
}

// Insert puts a card in the slot: it connects to vpcd, which reports the card
// present at pcscd's next poll, and answers control messages with atr and
// APDUs with h. vpcd must be listening, i.e. pcscd running.
func (s *Slot) Insert(atr []byte, h Handler) (*Card, error) {
	conn, err := net.DialTimeout("tcp", s.Addr, 2*time.Second)
	if err != nil {
		return nil, fmt.Errorf("vcard: insert into %s: %w", s.Addr, err)
	}
	c := &Card{conn: conn, atr: atr, handle: h, done: make(chan struct{})}
	go c.serve()
	return c, nil
}

// Remove takes the card out of the reader and waits until it has stopped
// answering. It is safe to call more than once.
func (c *Card) Remove() {
	c.hangUp()
	<-c.done
}

// hangUp closes the connection once: vpcd then sees the card gone.
func (c *Card) hangUp() {
	c.once.Do(func() { _ = c.conn.Close() }) // nothing is lost if closing fails
}

// Gone is closed when the card has stopped answering: removed, pulled away by
// its Handler, or disconnected by vpcd.
func (c *Card) Gone() <-chan struct{} { return c.done }

// APDUs is the number of command APDUs the card has answered or dropped.
func (c *Card) APDUs() int { return int(c.apdus.Load()) }

// serve answers vpcd until the connection ends.
func (c *Card) serve() {
	defer close(c.done)
	defer c.hangUp()
	for {
		quickAck(c.conn)
		msg, err := readFrame(c.conn)
		if err != nil {
			return
		}
		reply, ok := c.answer(msg)
		if !ok {
			return // pulled away: vpcd sees the connection drop mid-command
		}
		if reply == nil {
			continue
		}
		if err := writeFrame(c.conn, reply); err != nil {
			return
		}
	}
}

// answer returns the reply to one message: nil for control messages that
// expect none, and ok false when the Handler pulls the card.
func (c *Card) answer(msg []byte) (reply []byte, ok bool) {
	if len(msg) == 1 {
		switch msg[0] {
		case ctrlATR:
			return c.atr, true
		case ctrlOff, ctrlOn, ctrlReset:
			return nil, true // a contactless card keeps no state worth dropping
		default:
			return nil, true // unknown control bytes expect no answer either
		}
	}
	c.apdus.Add(1)
	reply = c.handle(msg)
	return reply, reply != nil
}

// readFrame reads one message: a 2-byte big-endian length and the payload.
func readFrame(r io.Reader) ([]byte, error) {
	var hdr [2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	msg := make([]byte, binary.BigEndian.Uint16(hdr[:]))
	if _, err := io.ReadFull(r, msg); err != nil {
		return nil, err
	}
	return msg, nil
}

// writeFrame writes one message in vpcd's framing.
func writeFrame(w io.Writer, msg []byte) error {
	if len(msg) > 0xFFFF {
		return errors.New("vcard: message longer than 65535 bytes")
	}
	buf := make([]byte, 2+len(msg))
	binary.BigEndian.PutUint16(buf, uint16(len(msg)))
	copy(buf[2:], msg)
	_, err := w.Write(buf)
	return err
}
