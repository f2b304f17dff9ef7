package providersim

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"zhanggui/pos/money"
)

// Provider names a payment network of the simulator.
type Provider string

// The providers. UnionPay, ECNY and Card are reached through the acquirer
// API, so they share its out_trade_no namespace.
const (
	Alipay   Provider = "alipay"
	WeChat   Provider = "wechat"
	UnionPay Provider = "unionpay" // 云闪付 / bank-app C2B codes
	ECNY     Provider = "ecny"     // 数字人民币
	Card     Provider = "card"     // UnionPay QuickPass cards (acquirer card API)
)

// namespace is the merchant account whose out_trade_no space p uses.
func (p Provider) namespace() string {
	switch p {
	case Alipay, WeChat:
		return string(p)
	default:
		return "acquirer"
	}
}

// User is a wallet holder. The same user can pay with every provider from
// the one balance.
type User struct {
	ID      string
	Name    string
	Balance money.Fen
	// Behaviour applies to this user's payments when no script matches
	// (zero value: Success).
	Behaviour Behaviour

	alipayID string // 2088…, buyer_user_id
	logonID  string // masked phone, buyer_logon_id
	openID   string // WeChat openid
}

// payCode is one issued payment code.
type payCode struct {
	provider Provider
	userID   string
	issued   time.Time
	used     bool
}

// Errors of the customer-side API.
var (
	ErrUserExists   = errors.New("providersim: user exists")
	ErrNoSuchUser   = errors.New("providersim: no such user")
	ErrNoSuchOrder  = errors.New("providersim: no such order")
	ErrAmbiguous    = errors.New("providersim: out_trade_no is used by more than one provider")
	ErrNotPayable   = errors.New("providersim: the order cannot be paid in its state")
	ErrInsufficient = errors.New("providersim: insufficient balance")
	ErrQRExpired    = errors.New("providersim: the QR code has expired")
)

// AddUser adds a wallet user. It returns ErrUserExists for a taken ID.
func (s *Sim) AddUser(u User) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[u.ID]; ok || u.ID == "" {
		return fmt.Errorf("providersim: add user %q: %w", u.ID, ErrUserExists)
	}
	s.addUserLocked(u)
	return nil
}

func (s *Sim) addUserLocked(u User) *User {
	u.alipayID = "2088" + s.digits(12)
	phone := "1" + string(rune('3'+s.rnd.IntN(6))) + s.digits(9)
	u.logonID = phone[:3] + "****" + phone[7:]
	u.openID = "oUpF8" + s.alnum(23, mixedAlnum)
	s.users[u.ID] = &u
	return &u
}

// userLocked returns the user with id, creating it with the default balance.
func (s *Sim) userLocked(id string) *User {
	if u, ok := s.users[id]; ok {
		return u
	}
	return s.addUserLocked(User{ID: id, Name: id, Balance: s.cfg.DefaultBalance})
}

// Balance returns a user's balance. ErrNoSuchUser if there is none.
func (s *Sim) Balance(userID string) (money.Fen, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[userID]
	if !ok {
		return 0, fmt.Errorf("providersim: balance of %q: %w", userID, ErrNoSuchUser)
	}
	return u.Balance, nil
}

// SetBalance sets a user's balance, creating the user if needed.
func (s *Sim) SetBalance(userID string, f money.Fen) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.userLocked(userID).Balance = f
}

// NewPaymentCode issues a fresh single-use payment code (付款码) of p for the
// user, created with the default balance if unknown. The code has the
// provider's prefix and length (PROTOCOLS.md §3): Alipay 25–30 + 16 digits
// (18 in all), WeChat 10–15 + 16 (18), UnionPay 62 + 17 (19), e-CNY 01 + 17
// (19). It expires Config.CodeTTL after issue. Card is not a code provider
// (use NewCard); NewPaymentCode panics for it, a programming error.
func (s *Sim) NewPaymentCode(p Provider, userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.userLocked(userID)
	for {
		var code string
		switch p {
		case Alipay:
			code = fmt.Sprint(25+s.rnd.IntN(6)) + s.digits(16)
		case WeChat:
			code = fmt.Sprint(10+s.rnd.IntN(6)) + s.digits(16)
		case UnionPay:
			code = "62" + s.digits(17)
		case ECNY:
			code = "01" + s.digits(17)
		default:
			panic("providersim: NewPaymentCode: no payment codes for " + string(p))
		}
		if _, taken := s.codes[code]; !taken {
			s.codes[code] = &payCode{provider: p, userID: userID, issued: s.now()}
			return code
		}
	}
}

// codeShape reports whether code has the form of p's payment codes.
func codeShape(p Provider, code string) bool {
	if code == "" || strings.Trim(code, "0123456789") != "" {
		return false
	}
	n, pre := len(code), code[:2]
	switch p {
	case Alipay:
		return n >= 16 && n <= 24 && pre >= "25" && pre <= "30"
	case WeChat:
		return n == 18 && pre >= "10" && pre <= "15"
	case UnionPay:
		return n == 19 && pre == "62"
	case ECNY:
		return n == 19 && pre == "01"
	}
	return false
}

// ProviderOfCode routes a scanned code by prefix and length, as a till does
// (PROTOCOLS.md §3); "" if no provider matches.
func ProviderOfCode(code string) Provider {
	for _, p := range []Provider{WeChat, Alipay, UnionPay, ECNY} {
		if len(code) >= 2 && codeShape(p, code) {
			return p
		}
	}
	return ""
}

// takeCode checks an auth code presented to p and returns its user. A
// failure is fCodeInvalid (unknown, other provider's, used) or
// fCodeExpired. consume marks the code used. Callers hold s.mu.
func (s *Sim) takeCode(p Provider, code string, consume bool) (string, failure) {
	if len(code) < 2 || !codeShape(p, code) {
		return "", fCodeInvalid
	}
	c, ok := s.codes[code]
	if !ok {
		if s.cfg.AcceptUnknownCodes {
			if consume {
				s.codes[code] = &payCode{provider: p, userID: DemoUser, issued: s.now(), used: true}
			}
			return DemoUser, fNone
		}
		return "", fCodeInvalid
	}
	switch {
	case c.provider != p || c.used:
		return "", fCodeInvalid
	case s.now().Sub(c.issued) >= s.cfg.CodeTTL:
		return "", fCodeExpired
	}
	if consume {
		c.used = true
	}
	return c.userID, fNone
}
