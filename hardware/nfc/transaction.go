package nfc

import (
	"crypto/rand"
	"fmt"
	"io"
	"time"
)

// ChinaCode is the ISO 4217 currency and ISO 3166 country number of China
// (CNY, CN): 156, sent as 0156.
const ChinaCode = 156

// MaxAmount is the largest amount an n12 field holds, in fen.
const MaxAmount = 999_999_999_999

// DefaultTTQ are the terminal transaction qualifiers sent when a Transaction
// sets none: qPBOC/qVSDC supported, contact EMV supported, online PIN and
// signature supported (byte 1 = 0x36), online cryptogram and CVM not forced,
// fDDA v01 supported (byte 4 = 0x80).
var DefaultTTQ = [4]byte{0x36, 0x00, 0x00, 0x80}

// Transaction is what the terminal tells the card in GET PROCESSING OPTIONS.
// The zero value is a sale of 0 fen in CNY in China, now.
type Transaction struct {
	Amount      int64 // 9F02, fen, 0..MaxAmount
	OtherAmount int64 // 9F03 (cashback), fen, 0..MaxAmount
	Currency    int   // 5F2A, ISO 4217 number; 0 means ChinaCode
	Country     int   // 9F1A, ISO 3166 number; 0 means ChinaCode
	Type        byte  // 9C as BCD: 0x00 goods and services, 0x20 refund
	// At is the transaction's date and time (9A, 9F21) in the till's zone;
	// zero means time.Now().
	At time.Time
	// TTQ (9F66); all zeros means DefaultTTQ.
	TTQ [4]byte
	// TVR (95): the terminal verification results so far, usually zeros.
	TVR [5]byte
	// Rand supplies the unpredictable number (9F37); nil means crypto/rand.
	Rand io.Reader
	// Extra answers further PDOL tags (merchant name 9F4E, terminal
	// capabilities 9F33, ...); it overrides the fields above.
	Extra map[Tag][]byte
}

// pdolValues returns the value of every tag the terminal can answer.
func (t Transaction) pdolValues() (map[Tag][]byte, error) {
	if err := t.validate(); err != nil {
		return nil, err
	}
	un, err := t.unpredictableNumber()
	if err != nil {
		return nil, err
	}
	at := t.At
	if at.IsZero() {
		at = time.Now()
	}
	ttq := t.TTQ
	if ttq == [4]byte{} {
		ttq = DefaultTTQ
	}
	v := map[Tag][]byte{
		TagAmount:       bcd(uint64(t.Amount), 6),
		TagAmountOther:  bcd(uint64(t.OtherAmount), 6),
		TagCurrency:     bcd(uint64(orChina(t.Currency)), 2),
		TagCountry:      bcd(uint64(orChina(t.Country)), 2),
		TagDate:         bcd(uint64(at.Year()%100*10000+int(at.Month())*100+at.Day()), 3),
		TagTime:         bcd(uint64(at.Hour()*10000+at.Minute()*100+at.Second()), 3),
		TagTxnType:      {t.Type},
		TagUN:           un,
		TagTTQ:          ttq[:],
		TagTVR:          t.TVR[:],
		TagTerminalType: {0x22}, // attended, offline with online capability, merchant
	}
	for tag, val := range t.Extra {
		v[tag] = val
	}
	return v, nil
}

// validate checks that the numbers fit their EMV fields.
func (t Transaction) validate() error {
	if t.Amount < 0 || t.Amount > MaxAmount || t.OtherAmount < 0 || t.OtherAmount > MaxAmount {
		return fmt.Errorf("nfc: amount %d or other amount %d outside 0..%d fen",
			t.Amount, t.OtherAmount, int64(MaxAmount))
	}
	if t.Currency < 0 || t.Currency > 999 || t.Country < 0 || t.Country > 999 {
		return fmt.Errorf("nfc: currency %d or country %d outside 0..999", t.Currency, t.Country)
	}
	return nil
}

// unpredictableNumber draws the 4 bytes of 9F37.
func (t Transaction) unpredictableNumber() ([]byte, error) {
	r := t.Rand
	if r == nil {
		r = rand.Reader
	}
	un := make([]byte, 4)
	if _, err := io.ReadFull(r, un); err != nil {
		return nil, fmt.Errorf("nfc: unpredictable number: %w", err)
	}
	return un, nil
}

// orChina returns code, or ChinaCode for 0.
func orChina(code int) int {
	if code == 0 {
		return ChinaCode
	}
	return code
}

// bcd writes n as 2n decimal digits packed two to a byte, right-aligned.
func bcd(n uint64, size int) []byte {
	b := make([]byte, size)
	for i := size - 1; i >= 0; i-- {
		b[i] = byte(n%10) | byte(n/10%10)<<4
		n /= 100
	}
	return b
}
