package pos

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
)

// Shifts (交班): a cashier opens a shift with the float (备用金) counted by
// denomination, moves cash in and out with a reason, and closes it with a
// blind count. The till then works out what the drawer should hold:
//
//	expected = float + cash sales − cash refunds + paid-in − paid-out − drops
//
// and books the difference (长短款) to the cash over/short account in the
// close's transaction. A Z report (日结) closes the business day over the
// shifts closed since the last one, with a number that never resets and a
// running grand total.

// Denominations are what a Chinese till counts, largest first: the ¥100,
// 50, 20, 10, 5 and 1 notes (the ¥1 coin counts with the note), and the 5角
// and 1角 coins and notes. ¥2 and 2角 are out of circulation and 分 coins
// are not taken at shops.
var Denominations = []money.Fen{10000, 5000, 2000, 1000, 500, 100, 50, 10}

// MaxPieces bounds how many pieces of one denomination a count may hold: a
// number past it is a typing slip, not a drawer.
const MaxPieces = 100000

// Count is a cash count: pieces per denomination. A denomination missing
// from the map is zero.
type Count map[money.Fen]int64

// ErrBadCount means a count holds a negative number, letters, an unknown
// denomination or an absurd number of pieces.
var ErrBadCount = Errorf(CodeInvalid, "pos: bad cash count")

// Validate refuses negative pieces, denominations a till does not count and
// more than MaxPieces of one.
func (c Count) Validate() error {
	for d, n := range c {
		if !slices.Contains(Denominations, d) {
			return Errorf(CodeInvalid, "pos: count of %v pieces: %w", d, ErrBadCount)
		}
		if n < 0 || n > MaxPieces {
			return Errorf(CodeInvalid, "pos: %d pieces of %v: %w", n, d, ErrBadCount)
		}
	}
	return nil
}

// Total is the count's value.
func (c Count) Total() money.Fen {
	var t money.Fen
	for d, n := range c {
		t += d * money.Fen(n)
	}
	return t
}

// ParsePieces reads how many pieces of a denomination the cashier typed:
// blank is zero; digits only (full-width digits too, as a Chinese input
// method types them), at most MaxPieces.
func ParsePieces(s string) (int64, error) {
	s = strings.TrimSpace(toHalfWidth(s))
	if s == "" {
		return 0, nil
	}
	if strings.Trim(s, "0123456789") != "" || len(s) > 6 {
		return 0, Errorf(CodeInvalid, "pos: pieces %q: %w", s, ErrBadCount)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > MaxPieces {
		return 0, Errorf(CodeInvalid, "pos: pieces %q: %w", s, ErrBadCount)
	}
	return n, nil
}

// toHalfWidth turns full-width digits (０-９) into ASCII ones.
func toHalfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + (r - '０')
		}
		return r
	}, s)
}

// ShiftState is where a shift is.
type ShiftState string

// Shift states.
const (
	ShiftOpen   ShiftState = "open"
	ShiftClosed ShiftState = "closed"
)

// Shift is one cashier's stretch at the till, from the float to the count.
type Shift struct {
	ID       string // made by the till
	No       int64  // the till's shift number: 1, 2, ... never reset
	Till     string // store code + "-" + till code
	Cashier  string // who opened it
	OpenedAt time.Time
	Float    Count
	State    ShiftState
	OpenSeq  int64 // the audit event of the open: events after it are the shift's

	// Set at the close.
	CloseID   string // the close's client ID: a retried close is a no-op
	ClosedAt  time.Time
	ClosedBy  string
	Counted   Count
	Expected  money.Fen
	OverShort money.Fen // counted − expected: over (长款) > 0, short (短款) < 0
	Recounts  int
	Reason    string
	Approver  string
	CloseSeq  int64 // the close's audit event
	ZNo       int64 // the Z report that took the shift; 0 before
}

// ShiftOpening is what opening a shift needs.
type ShiftOpening struct {
	ID      string
	Till    string
	Cashier string
	Float   Count
}

// Validate refuses an opening without an ID, till or cashier, or with a bad
// float count.
func (o ShiftOpening) Validate() error {
	if o.ID == "" || o.Till == "" || strings.TrimSpace(o.Cashier) == "" {
		return Errorf(CodeInvalid, "pos: shift opening needs an ID, a till and a cashier")
	}
	return o.Float.Validate()
}

// CashMoveKind says which way cash moved outside a sale.
type CashMoveKind string

// Cash moves.
const (
	PaidIn  CashMoveKind = "paid_in"  // cash put into the drawer (change from the safe)
	PaidOut CashMoveKind = "paid_out" // cash taken out to pay for something
	Drop    CashMoveKind = "drop"     // surplus cash taken to the safe mid-shift
)

// CashMoveKinds lists the moves in the order screens show them.
var CashMoveKinds = []CashMoveKind{PaidIn, PaidOut, Drop}

// CashMove is a paid-in, paid-out or drop, with its reason.
type CashMove struct {
	ID       string // made by the till: a retry is a no-op
	ShiftID  string
	Kind     CashMoveKind
	Amount   money.Fen
	Reason   string
	By       string // the staff member
	Approver string // who approved it, when it needed approval
	At       time.Time
}

// ErrCashMove means a cash move without an ID, a positive amount or a reason.
var ErrCashMove = Errorf(CodeInvalid, "pos: a cash move needs an amount above zero and a reason")

// Validate refuses a move of an unknown kind, without a positive amount,
// reason, ID or staff member.
func (m CashMove) Validate() error {
	if !slices.Contains(CashMoveKinds, m.Kind) {
		return Errorf(CodeInvalid, "pos: cash move kind %q: %w", m.Kind, ErrCashMove)
	}
	if m.ID == "" || m.Amount <= 0 || strings.TrimSpace(m.Reason) == "" || m.By == "" {
		return Errorf(CodeInvalid, "pos: cash move %q of %v: %w", m.ID, m.Amount, ErrCashMove)
	}
	return nil
}

// Entry books the move: paid-in from the safe, paid-out to petty expenses,
// a drop into the safe.
func (m CashMove) Entry(id string) (ledger.Entry, error) {
	var b ledger.Builder
	switch m.Kind {
	case PaidIn:
		b.Debit(ledger.Cash, m.Amount)
		b.Credit(ledger.Safe, m.Amount)
	case PaidOut:
		b.Debit(ledger.PettyExpenses, m.Amount)
		b.Credit(ledger.Cash, m.Amount)
	case Drop:
		b.Debit(ledger.Safe, m.Amount)
		b.Credit(ledger.Cash, m.Amount)
	}
	return b.Entry(id, m.At, m.ID, string(m.Kind)+" "+m.Reason)
}

// OverShortEntry books a close's difference: over (counted above expected)
// is cash found, short is cash missing. A zero difference books nothing
// (ok false).
func OverShortEntry(id, shiftID string, at time.Time, overShort money.Fen) (e ledger.Entry, ok bool, err error) {
	if overShort == 0 {
		return ledger.Entry{}, false, nil
	}
	var b ledger.Builder
	if overShort > 0 {
		b.Debit(ledger.Cash, overShort)
		b.Credit(ledger.CashOverShort, overShort)
	} else {
		b.Debit(ledger.CashOverShort, -overShort)
		b.Credit(ledger.Cash, -overShort)
	}
	e, err = b.Entry(id, at, shiftID, "shift over/short")
	return e, err == nil, err
}

// TenderFigures are one tender's takings in a shift.
type TenderFigures struct {
	Sales, Refunds         money.Fen
	SaleCount, RefundCount int
}

// Net is what the tender took: sales less refunds.
func (t TenderFigures) Net() money.Fen { return t.Sales - t.Refunds }

// ShiftFigures are what an X report, a close and a 交班单 show of a shift.
type ShiftFigures struct {
	Float     money.Fen
	ByTender  map[TenderKind]TenderFigures
	Sales     int       // sales taken
	Discounts money.Fen // discounts and 抹零 given
	PaidIn    money.Fen
	PaidOut   money.Fen
	Drops     money.Fen
	Moves     []CashMove
	// Counts of audit events in the shift.
	Voids, DrawerOpens, Reprints, Approvals int
	Resolved                                int // payments settled from 待确认
}

// Expected is the cash the drawer should hold: float + cash sales − cash
// refunds + paid-in − paid-out − drops.
func (f ShiftFigures) Expected() money.Fen {
	c := f.ByTender[TenderCash]
	return f.Float + c.Sales - c.Refunds + f.PaidIn - f.PaidOut - f.Drops
}

// Tenders lists the tenders with takings, cash first, then in the order of
// the tender kinds.
func (f ShiftFigures) Tenders() []TenderKind {
	var out []TenderKind
	for _, k := range TenderKinds {
		if _, ok := f.ByTender[k]; ok {
			out = append(out, k)
		}
	}
	return out
}

// ShiftClosing is a close as the cashier made it.
type ShiftClosing struct {
	ID       string // the close's client ID
	ShiftID  string
	By       string
	Counted  Count
	First    Count // the first count, when this is the recount
	Recounts int   // 0 or 1
	// Recounted is the recount a close was refused with for want of a
	// reason: it is final, and a close that names it counts only it.
	Recounted Count
	Reason    string
	Approver  string
}

// CountVerdict is what a count means for a close.
type CountVerdict int

// Verdicts.
const (
	CountAccepted    CountVerdict = iota // close with it
	CountRecount                         // off by more than allowed: count once more
	CountNeedsReason                     // still off after the recount: say why
)

// JudgeCount decides a close: a difference up to recountOver closes as it
// is; above it, the first count is recounted once, then a reason is
// needed.
func JudgeCount(overShort, recountOver money.Fen, recounts int, reason string) CountVerdict {
	if abs(overShort) <= recountOver {
		return CountAccepted
	}
	if recounts < 1 {
		return CountRecount
	}
	if strings.TrimSpace(reason) == "" {
		return CountNeedsReason
	}
	return CountAccepted
}

func abs(f money.Fen) money.Fen {
	if f < 0 {
		return -f
	}
	return f
}

// ErrRecountNeeded and ErrReasonNeeded refuse a close the count does not
// yet allow (see JudgeCount).
var (
	ErrRecountNeeded = Errorf(CodeInvalid, "pos: the count is off by more than allowed: recount once")
	ErrReasonNeeded  = Errorf(CodeInvalid, "pos: the count is still off: a reason is needed")
)

// ErrCountFinal refuses a close whose count differs from the recount it was
// refused with: after the one recount only a reason may be added, so the
// count cannot be retyped until it falls within the tolerance.
var ErrCountFinal = Errorf(CodeInvalid, "pos: the recount is final")

// CheckFinal refuses a closing that changes its final recount.
func (c ShiftClosing) CheckFinal() error {
	if c.Recounts >= 1 && c.Recounted != nil && !c.Counted.Equal(c.Recounted) {
		return Errorf(CodeInvalid, "pos: close %s: %w", c.ID, ErrCountFinal)
	}
	return nil
}

// Equal tells whether c and o hold the same pieces of every denomination
// (a denomination at zero and one absent are the same).
func (c Count) Equal(o Count) bool {
	for d, n := range c {
		if o[d] != n {
			return false
		}
	}
	for d, n := range o {
		if c[d] != n {
			return false
		}
	}
	return true
}

// Err is the error of a verdict that refuses the close, nil for accepted.
func (v CountVerdict) Err() error {
	switch v {
	case CountRecount:
		return ErrRecountNeeded
	case CountNeedsReason:
		return ErrReasonNeeded
	}
	return nil
}

// Shift errors.
var (
	ErrShiftOpen     = Errorf(CodeConflict, "pos: a shift is already open")
	ErrNoShift       = Errorf(CodeInvalid, "pos: no shift is open")
	ErrShiftClosed   = Errorf(CodeConflict, "pos: the shift is already closed")
	ErrShiftsOpenAtZ = Errorf(CodeInvalid, "pos: a shift is still open: close it before the Z report")
	ErrNothingForZ   = Errorf(CodeInvalid, "pos: no closed shift since the last Z report")
)

// ShiftBlockedError refuses a close while a sale is held or a payment or
// refund is still 待确认/处理中: their money would land in no shift.
type ShiftBlockedError struct {
	Held     []string // the held carts' notes or IDs
	Payments []string // the open payments' IDs with their amounts
	Refunds  []string // the pending refunds' IDs with their amounts
}

func (e *ShiftBlockedError) Error() string {
	return fmt.Sprintf("pos: shift cannot close: %d held sales, %d open payments, %d pending refunds",
		len(e.Held), len(e.Payments), len(e.Refunds))
}

// Blocks tells whether anything stands in the way.
func (e *ShiftBlockedError) Blocks() bool {
	return len(e.Held)+len(e.Payments)+len(e.Refunds) > 0
}

// ZReport (日结) closes a business day over the shifts closed since the
// last one.
type ZReport struct {
	No         int64 // never reset
	At         time.Time
	By         string
	Till       string
	Day        time.Time // the business day, shop-local
	ShiftNos   []int64
	ByTender   map[TenderKind]TenderFigures
	Sales      int
	Net        money.Fen // Σ tenders' net
	GrandTotal money.Fen // the running total of every Z's net, this one included
	OverShort  money.Fen // Σ the shifts' over/short
	Seq        int64     // its audit event
}
