package pos

import (
	"time"

	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
)

// RefundState is where a refund stands.
type RefundState string

// Refund states.
const (
	RefundPending RefundState = "pending" // saved; the provider has been or will be asked
	RefundDone    RefundState = "done"    // the money went back; the entry is booked
	RefundFailed  RefundState = "failed"  // the provider refused; nothing went back
)

// A Refund returns money of one tender of a sale. It is a new record: the
// sale never changes. Its ID is the out_refund_no, made and saved before
// the provider is asked, and sent again on every retry.
type Refund struct {
	ID        string
	SaleID    string
	Tender    int    // index into the sale's tenders
	PaymentID string // the provider payment refunded; "" for cash
	Kind      TenderKind
	Amount    money.Fen
	State     RefundState
	Reason    string // why (the cashier's words), or the provider's refusal
	At        time.Time
	Entry     ledger.Entry // booked when done
	Staff     string       // the staff member who gave it (their name, as on receipts)
}

// ErrOverRefund means a refund asks for more than is left of a tender.
var ErrOverRefund = Errorf(CodeInvalid, "pos: refund exceeds what is refundable")

// ErrCardWrittenOff refuses the refund of an offline card payment the
// acquirer refused at upload: the money never came, the loss is booked.
var ErrCardWrittenOff = Errorf(CodeInvalid, "pos: the card payment was refused at upload and written off")

// Refundable returns what is left to refund of tender i of s, after the
// refunds already made or in progress (failed ones gave nothing back).
func Refundable(s *Sale, i int, prior []Refund) money.Fen {
	if i < 0 || i >= len(s.Tenders) {
		return 0
	}
	return max(s.Tenders[i].Amount-Refunded(s, i, prior), 0)
}

// Refunded is what the refunds in prior took or are taking from tender i of
// s: done and pending ones, not the refused.
func Refunded(s *Sale, i int, prior []Refund) money.Fen {
	var sum money.Fen
	for _, r := range prior {
		if r.SaleID == s.ID && r.Tender == i && r.State != RefundFailed {
			sum += r.Amount
		}
	}
	return sum
}

// ErrCardCapturePending refuses a cash refund of an offline card payment
// not yet uploaded: the acquirer may still refuse it, and the drawer would
// have given back money that never came.
var ErrCardCapturePending = Errorf(CodeInvalid, "pos: the offline card payment is not confirmed yet")

// NewRefund starts a refund of amount from tender i of s.
func NewRefund(s *Sale, i int, amount money.Fen, prior []Refund, id, reason string, at time.Time) (Refund, error) {
	if i < 0 || i >= len(s.Tenders) {
		return Refund{}, Errorf(CodeInvalid, "pos: sale %s has no tender %d", s.No, i)
	}
	if amount <= 0 {
		return Refund{}, Errorf(CodeInvalid, "pos: refund of %v: %w", amount, ErrOverRefund)
	}
	if left := Refundable(s, i, prior); amount > left {
		return Refund{}, Errorf(CodeInvalid, "pos: refund %v of sale %s tender %d, %v left: %w", amount, s.No, i, left, ErrOverRefund)
	}
	t := s.Tenders[i]
	return Refund{ID: id, SaleID: s.ID, Tender: i, PaymentID: t.PaymentID, Kind: t.Kind, Amount: amount,
		State: RefundPending, Reason: reason, At: at.UTC()}, nil
}

// Done marks r as done and books it: the refund (contra revenue) on the
// debit side, the tender's account (the drawer, the provider's clearing
// account) on the credit side.
func (r Refund) Done(entryID string, at time.Time) (Refund, error) {
	acct, err := r.Kind.Account()
	if err != nil {
		return r, err
	}
	var b ledger.Builder
	b.Debit(ledger.Refunds, r.Amount)
	b.Credit(acct, r.Amount)
	e, err := b.Entry(entryID, at, r.SaleID, "refund "+r.ID)
	if err != nil {
		return r, Errorf(CodeInternal, "pos: refund %s entry: %w", r.ID, err)
	}
	r.State, r.Entry = RefundDone, e
	return r, nil
}
