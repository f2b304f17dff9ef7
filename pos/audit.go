package pos

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// AuditEvent is one entry of the till's append-only audit log: who did
// what, when, about what. Each event's Hash is SHA-256 over the previous
// event's hash and the event's canonical encoding, so changing, removing or
// reordering any event breaks every hash after it. The store writes an
// event in the same transaction as the business rows it records.
type AuditEvent struct {
	Seq      int64     // gap-free from 1; the store assigns it
	At       time.Time // UTC; the store fills it from the transaction's clock when zero
	Till     string    // the till that wrote it (store code + till code)
	Actor    string    // the staff member, or "os:USER" for a headless command
	Approver string    // who approved the action, when it needed approval
	Kind     AuditKind
	Subject  string // what it is about: a sale, payment, staff or setting ID
	Data     string // details as a JSON object (AuditData); "{}" when none
	Prev     []byte // the previous event's Hash; 32 zero bytes before the first
	Hash     []byte
}

// AuditKind names what an audit event records. The kinds are a stable
// vocabulary: `audit verify` and exports name them, never renumber them.
type AuditKind string

// The audit kinds every part of the till writes.
const (
	AuditLogin          AuditKind = "staff.login"
	AuditLoginFailed    AuditKind = "staff.login_failed"
	AuditLockout        AuditKind = "staff.lockout"
	AuditLock           AuditKind = "staff.lock"
	AuditSwitch         AuditKind = "staff.switch"
	AuditStaffChanged   AuditKind = "staff.changed"
	AuditPINChanged     AuditKind = "staff.pin_changed"
	AuditLockoutReset   AuditKind = "staff.lockout_reset"
	AuditPermission     AuditKind = "staff.permission_changed"
	AuditApproval       AuditKind = "approval"
	AuditSale           AuditKind = "sale"
	AuditPayment        AuditKind = "payment"
	AuditRefund         AuditKind = "refund"
	AuditVoid           AuditKind = "void"
	AuditDiscount       AuditKind = "discount"
	AuditPriceOverride  AuditKind = "price_override"
	AuditLineDeleted    AuditKind = "line_deleted"
	AuditSaleCancelled  AuditKind = "sale_cancelled"
	AuditDrawerOpen     AuditKind = "drawer_open"
	AuditReprint        AuditKind = "reprint"
	AuditCashMove       AuditKind = "cash_move" // paid-in, paid-out, drop
	AuditShiftOpen      AuditKind = "shift.open"
	AuditShiftClose     AuditKind = "shift.close"
	AuditXReport        AuditKind = "report.x"
	AuditZReport        AuditKind = "report.z"
	AuditProduct        AuditKind = "catalogue.changed"
	AuditSettings       AuditKind = "settings.changed"
	AuditChannelKeys    AuditKind = "channel.keys_changed"
	AuditClockBackwards AuditKind = "clock.backwards"
	AuditBackup         AuditKind = "backup"
	AuditRestore        AuditKind = "restore"
	AuditExport         AuditKind = "export"
	AuditVerify         AuditKind = "audit.verify"
	AuditTraining       AuditKind = "training"
)

// AuditHashSize is the size of an event's hash: SHA-256.
const AuditHashSize = sha256.Size

// AuditData encodes details as a canonical JSON object: keys sorted (as
// encoding/json does for maps), no insignificant space. Values must be
// strings, numbers, bools or nested maps and slices of them.
func AuditData(kv map[string]any) string {
	if len(kv) == 0 {
		return "{}"
	}
	b, err := json.Marshal(kv)
	if err != nil { // a value JSON cannot hold: a bug of the caller
		panic(fmt.Sprintf("pos: audit data: %v", err))
	}
	return string(b)
}

// auditTimeLayout fixes nine fractional digits, so an event's time encodes
// to the same bytes however it was read back.
const auditTimeLayout = "2006-01-02T15:04:05.000000000Z"

// Canonical is the event's encoding that its hash covers: a version tag,
// then each field as its length, a colon and its bytes. Lengths make the
// encoding unambiguous whatever the fields hold (no separator can be
// forged inside a field).
func (e AuditEvent) Canonical() []byte {
	return e.appendCanonical(make([]byte, 0, 256))
}

// appendCanonical appends the canonical encoding to b.
func (e AuditEvent) appendCanonical(b []byte) []byte {
	var scratch [len(auditTimeLayout) + 8]byte // the seq's and the time's digits, on the stack
	b = append(b, "zg-audit-1\n"...)
	b = appendField(b, strconv.AppendInt(scratch[:0], e.Seq, 10))
	b = appendField(b, e.At.UTC().AppendFormat(scratch[:0], auditTimeLayout))
	for _, f := range [...]string{e.Till, e.Actor, e.Approver, string(e.Kind), e.Subject, e.Data} {
		b = appendField(b, f)
	}
	return b
}

// appendField appends one field: its length, a colon, its bytes, a newline.
func appendField[T string | []byte](b []byte, f T) []byte {
	b = strconv.AppendInt(b, int64(len(f)), 10)
	b = append(b, ':')
	b = append(b, f...)
	return append(b, '\n')
}

// ChainHash is the hash of e following prev: SHA-256(prev ‖ canonical(e)).
func ChainHash(prev []byte, e AuditEvent) []byte {
	h, _ := chainSum(make([]byte, 0, 320), prev, e)
	return h[:]
}

// chainSum hashes prev ‖ canonical(e), encoding into buf, and returns buf
// for reuse (the checker's: a verify of a million events allocates nothing
// per event here).
func chainSum(buf, prev []byte, e AuditEvent) ([AuditHashSize]byte, []byte) {
	buf = e.appendCanonical(append(buf[:0], prev...))
	return sha256.Sum256(buf), buf
}

// GenesisHash is the Prev of the first event: 32 zero bytes.
func GenesisHash() []byte { return make([]byte, AuditHashSize) }

// AuditBreak is where a chain stops being what was written: the first
// sequence number that fails, and why.
type AuditBreak struct {
	Seq    int64
	Reason string
}

func (b *AuditBreak) Error() string {
	return fmt.Sprintf("audit chain broken at seq %d: %s", b.Seq, b.Reason)
}

// ChainChecker checks events one by one, in order of Seq, as they are read
// from the store. Start it with the previous event's Seq and Hash (0 and
// GenesisHash for the whole chain).
type ChainChecker struct {
	seq  int64
	hash []byte
	buf  []byte // the encoding of the event being checked, reused
}

// NewChainChecker starts a check after the event (seq, hash).
func NewChainChecker(seq int64, hash []byte) *ChainChecker {
	return &ChainChecker{seq: seq, hash: hash, buf: make([]byte, 0, 512)}
}

// Check takes the next event: it must follow without a gap, name the
// previous hash and carry its own true hash. The first failure is returned
// as an *AuditBreak; the checker then stays where it was.
func (c *ChainChecker) Check(e AuditEvent) error {
	switch {
	case e.Seq != c.seq+1:
		return &AuditBreak{Seq: c.seq + 1, Reason: fmt.Sprintf("missing: the next event is seq %d", e.Seq)}
	case !bytes.Equal(e.Prev, c.hash):
		return &AuditBreak{Seq: e.Seq, Reason: "its previous hash is not the hash of the event before"}
	}
	var sum [AuditHashSize]byte
	if sum, c.buf = chainSum(c.buf, e.Prev, e); !bytes.Equal(e.Hash, sum[:]) {
		return &AuditBreak{Seq: e.Seq, Reason: "its content does not match its hash (changed after writing)"}
	}
	c.seq, c.hash = e.Seq, e.Hash
	return nil
}

// Head is the last event checked: its Seq and Hash.
func (c *ChainChecker) Head() (int64, []byte) { return c.seq, c.hash }
