package printer

import "fmt"

// Status is what the printer reports about itself through DLE EOT.
type Status struct {
	Online       bool // DLE EOT 1 bit 3 clear: the printer takes data and prints
	CoverOpen    bool // DLE EOT 2 bit 2
	PaperEnd     bool // DLE EOT 4 bits 5–6 (roll end sensor) or DLE EOT 2 bit 5 (stopped for paper end)
	PaperNearEnd bool // DLE EOT 4 bits 2–3: change the roll soon; printing goes on
	// DrawerOpen is DLE EOT 1 bit 2, pin 3 of the drawer connector high.
	// Most drawers open their switch with the drawer; a printer with no
	// drawer attached also reads high.
	DrawerOpen bool
	// Error is DLE EOT 2 bit 6 or an error of DLE EOT 3 (bits 3, 5, 6): an autocutter
	// jam, an unrecoverable or an automatically recoverable error.
	Error bool
}

// Err returns the kind of failure a print would meet, or nil when the
// printer is ready: ErrPaperEnd, ErrCoverOpen or ErrOffline.
func (s Status) Err() error {
	switch {
	case s.PaperEnd:
		return ErrPaperEnd
	case s.CoverOpen:
		return ErrCoverOpen
	case !s.Online || s.Error:
		return ErrOffline
	}
	return nil
}

// statusFixedMask and statusFixedBits are the bits every DLE EOT reply has
// fixed (bit 1 and 4 set, bits 0 and 7 clear): they tell a status byte from
// noise or from a printer that speaks another protocol.
const (
	statusFixedMask = 0x93
	statusFixedBits = 0x12
)

// ParseStatus reads the printer's replies to DLE EOT 1, 2, 3 and 4, one byte
// each, in that order. It returns an error when there are not four replies
// or one lacks the fixed bits of a status byte.
func ParseStatus(replies []byte) (Status, error) {
	if len(replies) != 4 {
		return Status{}, fmt.Errorf("printer: status: %d reply bytes, want 4", len(replies))
	}
	for i, b := range replies {
		if b&statusFixedMask != statusFixedBits {
			return Status{}, fmt.Errorf("printer: status: reply to DLE EOT %d is %#02x, not a status byte", i+1, b)
		}
	}
	printer, offline, errs, paper := replies[0], replies[1], replies[2], replies[3]
	return Status{
		Online:       printer&0x08 == 0,
		DrawerOpen:   printer&0x04 != 0,
		CoverOpen:    offline&0x04 != 0,
		PaperEnd:     offline&0x20 != 0 || paper&0x60 != 0,
		PaperNearEnd: paper&0x0c != 0,
		Error:        offline&0x40 != 0 || errs&0x68 != 0,
	}, nil
}

// statusQuery is the real-time request for status n (1–4). A printer
// answers it at once, even offline and with a full buffer.
func statusQuery(n int) []byte { return []byte{dle, eot, byte(n)} }
