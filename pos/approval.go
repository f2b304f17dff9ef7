package pos

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"strconv"
	"time"

	"zhanggui/pos/money"
)

// ApprovalRequest is what a staff member asks a manager to approve: one
// intent at the till (a discount on this sale, a refund of that payment),
// which may be several gated actions at once. The client makes its ID
// when the approval sheet opens.
type ApprovalRequest struct {
	ID        string   // a client-made UUID
	Actions   []Action // the gated actions the intent is
	Subject   string   // the sale, line or payment it is about
	Amount    money.Fen
	Reason    string // from the short list of reasons
	Note      string
	Requester Staff
}

// ApprovalMaxAge is how long an approval may wait before the action it
// approves uses it.
const ApprovalMaxAge = 2 * time.Minute

// Approval methods: how the approver proved who they are.
const (
	MethodPIN       = "pin"        // their PIN on this till
	MethodBadge     = "badge"      // their NFC badge on this till
	MethodTOTP      = "totp"       // their authenticator's code, read over the phone
	MethodOwnerSelf = "owner-self" // the owner approving their own request
)

// Approval is a manager's (or the owner's) yes to one ApprovalRequest. It
// is single-use: the gated action marks it used in its own transaction.
type Approval struct {
	ID        string // a client-made UUID
	RequestID string
	Digest    []byte // the request's Digest: what exactly was approved
	Actions   []Action
	Subject   string
	Amount    money.Fen
	Reason    string
	Note      string
	Requester Staff
	Approver  Staff
	Method    string
	Challenge string // the challenge shown for a TOTP approval, "" otherwise
	TOTPStep  int64  // the authenticator's time step used, 0 for other methods
	Till      string
	At        time.Time // UTC, when it was given
	Used      bool
}

// Errors of approvals. The screens explain each in words of their own.
var (
	ErrSelfApproval     = Errorf(CodeInvalid, "pos: nobody but the owner may approve their own request")
	ErrCannotApprove    = Errorf(CodeInvalid, "pos: the approver may not do this action themselves")
	ErrApprovalUsed     = Errorf(CodeConflict, "pos: the approval was already used")
	ErrApprovalExpired  = Errorf(CodeInvalid, "pos: the approval is too old")
	ErrApprovalMismatch = Errorf(CodeInvalid, "pos: the approval is for another action or amount")
	ErrBadTOTP          = Errorf(CodeInvalid, "pos: the authenticator code is wrong or too old")
	ErrTOTPReused       = Errorf(CodeConflict, "pos: this authenticator code was already used")
)

// Digest binds an approval to exactly this request: its ID, the actions
// (in any order), the subject, the amount and who asks. SHA-256 over a
// length-prefixed encoding, so no field can run into the next. The reason
// and note are recorded with the approval but not bound: they explain it.
func (r ApprovalRequest) Digest() []byte {
	acts := make([]string, len(r.Actions))
	for i, a := range r.Actions {
		acts[i] = string(a)
	}
	slices.Sort(acts)
	acts = slices.Compact(acts)
	h := sha256.New()
	field := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field("zg-approval-1")
	field(r.ID)
	field(strconv.Itoa(len(acts)))
	for _, a := range acts {
		field(a)
	}
	field(r.Subject)
	field(strconv.FormatInt(int64(r.Amount), 10))
	field(strconv.FormatInt(r.Requester.ID, 10))
	return h.Sum(nil)
}

// NewApproval is approver's approval of req, given at now by method:
// refused when approver may not do every action of req outright, or asks
// for themselves without being the owner (whose own approval is recorded
// as MethodOwnerSelf).
func NewApproval(p Permissions, req ApprovalRequest, approver Staff, method string, now time.Time) (Approval, error) {
	if approver.ID == req.Requester.ID {
		if approver.Role != RoleOwner {
			return Approval{}, ErrSelfApproval
		}
		method = MethodOwnerSelf
	}
	if !p.CanApprove(approver, req.Actions...) {
		return Approval{}, ErrCannotApprove
	}
	return Approval{
		RequestID: req.ID, Digest: req.Digest(), Actions: slices.Clone(req.Actions),
		Subject: req.Subject, Amount: req.Amount, Reason: req.Reason, Note: req.Note,
		Requester: req.Requester, Approver: approver, Method: method, At: now.UTC(),
	}, nil
}

// Covers tells whether a may let req go ahead at now: the same request
// (digest), not used yet, and given no more than ApprovalMaxAge ago (nor
// later than now: a clock set back does not stretch its life).
func (a Approval) Covers(req ApprovalRequest, now time.Time) error {
	switch {
	case a.RequestID != req.ID || !bytes.Equal(a.Digest, req.Digest()):
		return ErrApprovalMismatch
	case a.Used:
		return ErrApprovalUsed
	case now.Before(a.At.Add(-5*time.Second)) || now.Sub(a.At) > ApprovalMaxAge:
		return ErrApprovalExpired
	}
	return nil
}
