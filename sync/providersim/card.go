package providersim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"zhanggui/pos/money"
)

// Simulated UnionPay QuickPass cards. A real issuer checks an ARQC with a
// session key derived from the card's master key by 3DES/AES MACs (EMV
// Book 2); the simulator keeps the idea (a per-card secret, a MAC over the
// transaction data, the ATC rising) with HMAC-SHA256, so that a virtual
// card in the hardware tests can compute the same cryptograms.

// CardInfo is a card the simulator issued, as its chip knows it.
type CardInfo struct {
	PAN    string // 19 digits, BIN 622848, Luhn-valid
	PANSeq string // 5F34, "01"
	Expiry string // 5F24 as YYMM
	Key    string // the card's cryptogram key, 32 hex digits (the chip's and the issuer's copy)
	UserID string // whose balance it draws on
}

// CryptogramKind is what a cryptogram asks for (9F27).
type CryptogramKind string

// The cryptograms the simulated issuer verifies.
const (
	ARQC CryptogramKind = "ARQC" // go online
	TC   CryptogramKind = "TC"   // approved offline
)

// CryptogramInput is the transaction data a cryptogram covers.
type CryptogramInput struct {
	Amount money.Fen // 9F02
	Date   string    // 9A, YYMMDD (Beijing)
	UN     string    // 9F37 unpredictable number, 8 hex digits
	ATC    string    // 9F36 application transaction counter, 4 hex digits
}

// Cryptogram computes the 9F26 application cryptogram as the simulated
// issuer verifies it: the first 8 bytes of HMAC-SHA256(Key, kind | amount
// (12 digits) | 0156 | date | UN | ATC), 16 upper-case hex digits.
func (c CardInfo) Cryptogram(kind CryptogramKind, in CryptogramInput) string {
	key, _ := hex.DecodeString(c.Key)
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s|%012d|0156|%s|%s|%s", kind, int64(in.Amount), in.Date, strings.ToUpper(in.UN), strings.ToUpper(in.ATC))
	return strings.ToUpper(hex.EncodeToString(m.Sum(nil)[:8]))
}

// arpc is the issuer's answer cryptogram (91) for an approved ARQC.
func (c CardInfo) arpc(arqc, respCode string) string {
	key, _ := hex.DecodeString(c.Key)
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "ARPC|%s|%s", arqc, respCode)
	return strings.ToUpper(hex.EncodeToString(m.Sum(nil)[:8]))
}

// simCard is an issued card and the issuer's memory of it.
type simCard struct {
	info    CardInfo
	lastATC int // the highest ATC seen; a cryptogram must come with a higher one
}

// NewCard issues a card drawing on the user's balance (the user is
// created if unknown). It expires in three years.
func (s *Sim) NewCard(userID string) CardInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.userLocked(userID)
	for {
		body := "622848" + s.digits(12)
		pan := body + luhnDigit(body)
		if _, taken := s.cards[pan]; taken {
			continue
		}
		info := CardInfo{PAN: pan, PANSeq: "01", Expiry: s.now().In(beijing).AddDate(3, 0, 0).Format("0601"),
			Key: strings.ToUpper(s.alnum(32, "0123456789abcdef")), UserID: userID}
		s.cards[pan] = &simCard{info: info, lastATC: -1}
		return info
	}
}

// luhnDigit returns the check digit that makes body+digit Luhn-valid.
func luhnDigit(body string) string {
	sum := 0
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return fmt.Sprint((10 - sum%10) % 10)
}

// MaskPAN keeps the first 6 and last 4 digits (PCI DSS 3.3).
func MaskPAN(pan string) string {
	if len(pan) < 13 {
		return strings.Repeat("*", len(pan))
	}
	return pan[:6] + strings.Repeat("*", len(pan)-10) + pan[len(pan)-4:]
}

// cardExpired reports whether a YYMM expiry is before the month of now.
func cardExpired(expiry string, now time.Time) bool {
	exp, err := time.ParseInLocation("0601", expiry, beijing)
	return err != nil || now.In(beijing).After(exp.AddDate(0, 1, 0))
}
