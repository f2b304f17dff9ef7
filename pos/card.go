package pos

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"zhanggui/pos/money"
)

// Contactless bank cards (闪付 / QuickPass) as the domain sees them: what
// the card's first cryptogram and the terminal's floor limit decide (the
// rules of PROTOCOLS.md §4.2), what an authorization asks the acquirer, what
// a card charge answers, and how a card number may be shown. Reading cards
// and talking to the acquirer are the adapters' (sync/cardterm,
// sync/unionpay); these types are what they exchange.

// CardCryptogram is what the card decided in its first cryptogram (9F27).
type CardCryptogram string

// The card's decisions.
const (
	// CryptogramNone: the card answered without a cryptogram (GPO format 1);
	// only a full EMV kernel could go on, with GENERATE AC.
	CryptogramNone CardCryptogram = ""
	CryptogramAAC  CardCryptogram = "AAC"  // declined by the card
	CryptogramTC   CardCryptogram = "TC"   // approved offline by the card
	CryptogramARQC CardCryptogram = "ARQC" // the card asks to go online
)

// CardRoute is what the terminal does with a card it has read.
type CardRoute string

// The routes.
const (
	CardOnline  CardRoute = "online"  // authorize at the acquirer with the ARQC
	CardOffline CardRoute = "offline" // approved now; the TC is uploaded later
	CardDecline CardRoute = "decline" // not approved; nothing was charged
)

// Why a card is declined before anything leaves the till, for the cashier.
const (
	ReasonCardExpired     = "卡片已过期，请改用其他卡或其他支付方式"
	ReasonCardDeclined    = "卡片拒绝交易，请改用其他支付方式"
	ReasonCardTCOverFloor = "卡片未按要求联机授权，交易未完成，请改用其他支付方式"
	ReasonCardNoQuickPass = "此卡不支持闪付，请改用其他支付方式"
)

// CardPolicy holds the terminal's risk parameters for contactless cards.
type CardPolicy struct {
	// FloorLimit is the reader's offline floor limit (DF19): amounts up to
	// it may be approved offline by the card. 0 sends every transaction
	// online, as Chinese acquirers usually configure QuickPass. The merchant
	// carries the risk of an offline approval until its upload clears.
	FloorLimit money.Fen
}

// OnlineRequired reports whether the terminal must ask the card for an
// online cryptogram (TTQ byte 2, bit 8): the amount is above the floor limit.
func (p CardPolicy) OnlineRequired(amount money.Fen) bool {
	return amount > p.FloorLimit
}

// Route decides what happens to a card read for amount, from the card's
// cryptogram and whether the card has expired by the till's clock. reason,
// in Chinese for the cashier, is set for CardDecline. An ARQC goes online
// whatever the amount; a TC is approved offline only within the floor
// limit, because above it the terminal asked for an ARQC and a TC cannot be
// authorized online.
func (p CardPolicy) Route(c CardCryptogram, amount money.Fen, expired bool) (route CardRoute, reason string) {
	switch {
	case expired:
		return CardDecline, ReasonCardExpired
	case c == CryptogramARQC:
		return CardOnline, ""
	case c == CryptogramTC && !p.OnlineRequired(amount):
		return CardOffline, ""
	case c == CryptogramTC:
		return CardDecline, ReasonCardTCOverFloor
	case c == CryptogramAAC:
		return CardDecline, ReasonCardDeclined
	default:
		return CardDecline, ReasonCardNoQuickPass
	}
}

// MaskPAN shows a card number as its first 6 and last 4 digits
// (622848*********1234), the most PCI DSS allows on a screen, a receipt or
// in a record; a number too short for that shows only its last 4.
func MaskPAN(pan []byte) string {
	n := len(pan)
	switch {
	case n >= 13:
		return string(pan[:6]) + strings.Repeat("*", n-10) + string(pan[n-4:])
	case n > 4:
		return strings.Repeat("*", n-4) + string(pan[n-4:])
	default:
		return strings.Repeat("*", n)
	}
}

// IsMaskedPAN reports whether s is a masked card number of 12–19
// characters that shows no more than MaskPAN would: digits only in the
// first 6 and last 4 places (the last 4 only, below 13 characters), '*'
// in between. Records and answers from outside are checked with it before
// a masked number is kept.
func IsMaskedPAN(s string) bool {
	n := len(s)
	if n < 12 || n > 19 {
		return false
	}
	head := 6
	if n < 13 {
		head = 0
	}
	for i := 0; i < n; i++ {
		c := s[i]
		shown := i < head || i >= n-4
		if !(c == '*' || shown && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// CardAuthRequest is a chip transaction for the acquirer: an online
// authorization (Kind ARQC) or the upload of one the card approved offline
// (Kind TC). It holds the full PAN, in memory only, for the length of the
// call: it prints masked with every fmt verb, encoding/json leaves it out,
// and Wipe zeroes it.
type CardAuthRequest struct {
	OutTradeNo string
	Amount     money.Fen      // 9F02, the amount the card signed
	PAN        []byte         `json:"-"` // ASCII digits; never stored, logged or printed
	PANSeq     int            // 5F34; -1 when the card has none
	Expiry     string         // YYMM
	ATC        uint16         // 9F36
	UN         [4]byte        // 9F37, the terminal's unpredictable number
	TxnDate    string         // 9A as YYMMDD, the date the card signed
	Cryptogram []byte         // 9F26, 8 bytes
	Kind       CardCryptogram // ARQC or TC
	ApprovedAt time.Time      // Kind TC: when the card approved it
}

// Wipe zeroes the PAN.
func (r *CardAuthRequest) Wipe() {
	clear(r.PAN)
	r.PAN = nil
}

// Validate checks the fields before the request leaves the till. Its
// errors (CodeInvalid) never show the PAN.
func (r CardAuthRequest) Validate() error {
	switch {
	case r.OutTradeNo == "":
		return Errorf(CodeInvalid, "pos: card request without out_trade_no")
	case r.Amount <= 0 || r.Amount > money.MaxFen:
		return Errorf(CodeInvalid, "pos: card request %s: amount %v", r.OutTradeNo, r.Amount)
	case len(r.PAN) < 12 || len(r.PAN) > 19 || !allDigits(string(r.PAN)):
		return Errorf(CodeInvalid, "pos: card request %s: PAN of %d characters is not 12-19 digits",
			r.OutTradeNo, len(r.PAN))
	case len(r.Expiry) != 4 || !allDigits(r.Expiry) || len(r.TxnDate) != 6 || !allDigits(r.TxnDate):
		return Errorf(CodeInvalid, "pos: card request %s: expiry %q or date %q", r.OutTradeNo, r.Expiry, r.TxnDate)
	case len(r.Cryptogram) != 8:
		return Errorf(CodeInvalid, "pos: card request %s: cryptogram of %d bytes", r.OutTradeNo, len(r.Cryptogram))
	case r.Kind != CryptogramARQC && r.Kind != CryptogramTC:
		return Errorf(CodeInvalid, "pos: card request %s: cryptogram %q, want ARQC or TC", r.OutTradeNo, r.Kind)
	case r.PANSeq < -1 || r.PANSeq > 99:
		return Errorf(CodeInvalid, "pos: card request %s: PAN sequence %d", r.OutTradeNo, r.PANSeq)
	}
	return nil
}

// String is a summary safe for logs: "card ARQC 12.34 622202*********6789
// order X ATC 0001".
func (r CardAuthRequest) String() string {
	return fmt.Sprintf("card %s %v %s order %s ATC %04X", r.Kind, r.Amount, MaskPAN(r.PAN), r.OutTradeNo, r.ATC)
}

// Format prints String for every verb, so no verb reaches the PAN.
func (r CardAuthRequest) Format(f fmt.State, verb rune) {
	s := r.String()
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = io.WriteString(f, s) // Format cannot report errors; fmt records them itself
}

// CardAuthResult is the acquirer's answer to a CardAuthRequest.
type CardAuthResult struct {
	// Status: Success (approved, or captured), Failed (declined: nothing
	// charged, or for a capture the merchant's loss), Closed (the order was
	// reversed), Unknown (no trustworthy answer: query the order).
	Status    ProviderStatus
	TradeNo   string    // the acquirer's txn_no
	AuthCode  string    // the issuer's approval code (online approvals)
	RRN       string    // retrieval reference number
	MaskedPAN string    // as the acquirer shows it
	Entry     string    // ONLINE or OFFLINE
	Amount    money.Fen // what was approved
	Code      string    // the acquirer's codes, for the log
	Reason    string    // for the cashier, in Chinese, when not approved
}

// CardCapture is a transaction the card approved offline (TC), kept until
// its upload to the acquirer clears. It is safe to store: the PAN is only
// sealed (encrypted and authenticated by the terminal under a key of its
// own, bound to OutTradeNo), besides its mask and keyed token. The TC is
// transaction data, not a key.
type CardCapture struct {
	OutTradeNo string    `json:"out_trade_no"`
	Amount     money.Fen `json:"amount_fen"`
	MaskedPAN  string    `json:"masked_pan"`
	Token      string    `json:"token"`
	SealedPAN  []byte    `json:"sealed_pan"`
	PANSeq     int       `json:"pan_seq"`
	Expiry     string    `json:"expiry"` // YYMM
	ATC        uint16    `json:"atc"`
	UN         [4]byte   `json:"un"`
	TxnDate    string    `json:"txn_date"` // YYMMDD
	TC         []byte    `json:"tc"`
	ApprovedAt time.Time `json:"approved_at"`
}

// CardResult is what a card terminal answers for one charge. A decline is
// a result (Approved false, with Reason), not an error.
type CardResult struct {
	Approved  bool
	Offline   bool   // approved by the card (TC) within the floor limit; upload Capture later
	AuthCode  string // online approvals: the issuer's approval code
	RRN       string // retrieval reference number (online; the acquirer's on upload)
	TradeNo   string // the acquirer's transaction number (online)
	MaskedPAN string // first 6 / last 4
	Token     string // keyed hash of the PAN, to recognise the card again
	Scheme    string // "UnionPay", "Visa", ...
	Label     string // the card's application label
	Reason    string // for the cashier, in Chinese, when not approved
	Code      string // what decided it, for the log: the cryptogram or the acquirer's codes
	// Capture is set for offline approvals: store it with the sale (it
	// holds no clear PAN) and upload it when the network allows.
	Capture *CardCapture
}

// Tender is the card tender of an approved result for amount, paid by the
// attempt outTradeNo; Ref carries the reference and the masked card.
func (r CardResult) Tender(amount money.Fen, outTradeNo string) Tender {
	ref := r.RRN
	if ref == "" {
		ref = "offline"
	}
	return Tender{Kind: TenderCard, Amount: amount, PaymentID: outTradeNo,
		Ref: strings.TrimSpace(ref + " " + r.MaskedPAN)}
}

// allDigits reports whether s is all ASCII digits.
func allDigits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}
