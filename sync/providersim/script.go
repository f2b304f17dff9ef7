package providersim

import (
	"fmt"
	"strings"
	"time"

	"zhanggui/pos/money"
)

// outcome is what a payment does once the request is accepted.
type outcome int

const (
	outSuccess     outcome = iota // charge at once
	outPassword                   // wait for the password, then resolve
	outNotEnough                  // refuse: insufficient balance
	outSysHiddenOK                // charge, but answer "system error"
	outSysHiddenNo                // do nothing, answer "system error"
	outCodeExpired                // refuse: the code has expired
	outRisk                       // refuse: risk control
	outRateLimited                // refuse before anything: too many calls
)

// Behaviour is how the simulator answers a request. Build one with the
// variables and functions below; Combine merges a transport behaviour
// (SlowAnswer, DropConnectionAfterCharge, BadSignature) with an outcome.
type Behaviour struct {
	outcome      outcome
	passOK       bool          // outPassword: the password is right in the end
	afterQueries int           // outPassword: the n-th query sees the result (0: no limit)
	after        time.Duration // outPassword: or after this long (0: no limit)
	slow         time.Duration // answer after this delay
	drop         bool          // close the connection instead of answering
	badSig       bool          // tamper the response signature
}

// Behaviours. Each describes the first answer to a payment; what a query
// sees afterwards follows from the booked state.
var (
	// Success charges the user at once (if the balance allows).
	Success = Behaviour{}
	// InsufficientBalance refuses the payment: NOTENOUGH,
	// ACQ.BUYER_BALANCE_NOT_ENOUGH, 51.
	InsufficientBalance = Behaviour{outcome: outNotEnough}
	// SystemErrorHiddenSuccess books the charge but answers SYSTEMERROR /
	// 20000 / 500 SYSTEM_ERROR: the till must query to learn it was paid.
	SystemErrorHiddenSuccess = Behaviour{outcome: outSysHiddenOK}
	// SystemErrorHiddenFail answers the same but books nothing; the code
	// stays unused, as if the request never reached the wallet.
	SystemErrorHiddenFail = Behaviour{outcome: outSysHiddenNo}
	// DropConnectionAfterCharge books the charge, then closes the
	// connection without an answer.
	DropConnectionAfterCharge = Behaviour{drop: true}
	// RateLimited refuses the request before doing anything: 40005,
	// FREQUENCY_LIMITED, 429.
	RateLimited = Behaviour{outcome: outRateLimited}
	// BadSignature books as Success but tampers the response signature.
	BadSignature = Behaviour{badSig: true}
	// CodeExpired refuses the code as expired.
	CodeExpired = Behaviour{outcome: outCodeExpired}
	// RiskRejected refuses the payment for risk control.
	RiskRejected = Behaviour{outcome: outRisk}
)

// PasswordThenSuccess makes the payment wait for the customer's password
// (10003, USERPAYING, 202) and succeed when the n-th query arrives (that
// query already sees it), when d has passed since the payment, or when
// CustomerConfirmPassword is called; zero n or d means no such limit.
func PasswordThenSuccess(n int, d time.Duration) Behaviour {
	return Behaviour{outcome: outPassword, passOK: true, afterQueries: n, after: d}
}

// PasswordThenFail is PasswordThenSuccess, but the customer gives up: the
// trade ends PAYERROR (WeChat, acquirer) or stays WAIT_BUYER_PAY until the
// till cancels it (Alipay, where a closed password box changes nothing).
func PasswordThenFail(n int, d time.Duration) Behaviour {
	return Behaviour{outcome: outPassword, afterQueries: n, after: d}
}

// SlowAnswer does the work at once but answers only after d (or when the
// client goes away).
func SlowAnswer(d time.Duration) Behaviour { return Behaviour{slow: d} }

// Combine merges behaviours: the last non-default outcome wins, delays add
// up, and any drop or bad signature applies.
func Combine(bs ...Behaviour) Behaviour {
	var c Behaviour
	for _, b := range bs {
		if b.outcome != outSuccess {
			c.outcome, c.passOK, c.afterQueries, c.after = b.outcome, b.passOK, b.afterQueries, b.after
		}
		c.slow += b.slow
		c.drop = c.drop || b.drop
		c.badSig = c.badSig || b.badSig
	}
	return c
}

// String names the behaviour, for test logs.
func (b Behaviour) String() string {
	names := [...]string{"Success", "Password", "InsufficientBalance", "SystemErrorHiddenSuccess",
		"SystemErrorHiddenFail", "CodeExpired", "RiskRejected", "RateLimited"}
	parts := []string{names[b.outcome]}
	if b.outcome == outPassword {
		parts[0] = fmt.Sprintf("Password(ok=%v, n=%d, d=%v)", b.passOK, b.afterQueries, b.after)
	}
	if b.slow > 0 {
		parts = append(parts, fmt.Sprintf("Slow(%v)", b.slow))
	}
	if b.drop {
		parts = append(parts, "Drop")
	}
	if b.badSig {
		parts = append(parts, "BadSignature")
	}
	return strings.Join(parts, "+")
}

// delivery is the transport part of a behaviour.
type delivery struct {
	slow   time.Duration
	drop   bool
	badSig bool
}

func (b Behaviour) delivery() delivery { return delivery{slow: b.slow, drop: b.drop, badSig: b.badSig} }

// On selects the requests a script applies to.
type On struct {
	kind   byte // 'c' code, 'o' out_trade_no, 'a' amount
	key    string
	amount money.Fen
}

// OnCode matches payments with this auth code.
func OnCode(code string) On { return On{kind: 'c', key: code} }

// OnOutTradeNo matches every request naming this out_trade_no: payments,
// queries, cancels, refunds, and the customer's CustomerPay. On a request that is not a payment only the
// transport behaviours, RateLimited and the two SystemError ones apply
// (SystemErrorHiddenSuccess does the work, SystemErrorHiddenFail does not).
func OnOutTradeNo(no string) On { return On{kind: 'o', key: no} }

// OnAmount matches payments and QR orders of this amount.
func OnAmount(f money.Fen) On { return On{kind: 'a', amount: f} }

// script is a queue of behaviours for one On.
type script struct {
	steps []Behaviour
	keep  bool // the last step stays in force
}

// Script makes the matching requests behave as steps, one step per request
// in order. A code or out_trade_no script is used up after its last step;
// an amount script keeps its last step in force for good (amounts are how a
// demo picks a fault). Scripting an On again replaces its script; no steps
// removes it. Precedence: code, then out_trade_no, then amount, then the
// user's own Behaviour.
//
// A retry of a dropped payment meets the next step, so script the retry
// too where it matters: Script(OnAmount(x), DropConnectionAfterCharge, Success).
func (s *Sim) Script(on On, steps ...Behaviour) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(steps) == 0 {
		delete(s.scripts, on)
		return
	}
	s.scripts[on] = &script{steps: append([]Behaviour(nil), steps...), keep: on.kind == 'a'}
}

// takeStep consumes the next step for on, if any. Callers hold s.mu.
func (s *Sim) takeStep(on On) (Behaviour, bool) {
	sc, ok := s.scripts[on]
	if !ok {
		return Behaviour{}, false
	}
	b := sc.steps[0]
	switch {
	case len(sc.steps) > 1:
		sc.steps = sc.steps[1:]
	case !sc.keep:
		delete(s.scripts, on)
	}
	return b, true
}

// payBehaviour picks the behaviour of a payment request by precedence.
// The user's own behaviour is applied later, once the code names the user.
func (s *Sim) payBehaviour(code, outTradeNo string, amount money.Fen) (Behaviour, bool) {
	if code != "" {
		if b, ok := s.takeStep(OnCode(code)); ok {
			return b, true
		}
	}
	if b, ok := s.takeStep(OnOutTradeNo(outTradeNo)); ok {
		return b, true
	}
	return s.takeStep(OnAmount(amount))
}
