package providersim

import "fmt"

// The customer side: what the demo phone does. Orders are found by
// out_trade_no at any of the simulator's merchants.

// findAnyLocked finds the one live trade with outTradeNo at any merchant.
func (s *Sim) findAnyLocked(outTradeNo string) (*trade, error) {
	var found *trade
	for _, ns := range []string{"alipay", "wechat", "acquirer"} {
		if t := s.trades[tradeKey{ns, outTradeNo}]; t != nil {
			if found != nil {
				return nil, fmt.Errorf("providersim: order %s: %w", outTradeNo, ErrAmbiguous)
			}
			found = t
		}
	}
	if found == nil {
		return nil, fmt.Errorf("providersim: order %s: %w", outTradeNo, ErrNoSuchOrder)
	}
	return found, nil
}

// CustomerScan is the customer scanning a precreate/native QR code: the
// provider now knows the trade (Alipay: WAIT_BUYER_PAY), unpaid.
func (s *Sim) CustomerScan(outTradeNo string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.scannableLocked(outTradeNo)
	if err != nil {
		return err
	}
	if t.state == stQRCreated {
		t.state = stWaiting
	}
	return nil
}

// scannableLocked finds a QR order that can still be scanned and paid.
func (s *Sim) scannableLocked(outTradeNo string) (*trade, error) {
	t, err := s.findAnyLocked(outTradeNo)
	if err != nil {
		return nil, err
	}
	switch {
	case t.kind != kindQR || (t.state != stQRCreated && t.state != stWaiting):
		return nil, fmt.Errorf("providersim: order %s is %s: %w", outTradeNo, stateNames[t.state], ErrNotPayable)
	case !s.now().Before(t.qrExpires):
		return nil, fmt.Errorf("providersim: order %s: %w", outTradeNo, ErrQRExpired)
	}
	return t, nil
}

// CustomerPay is the demo user scanning and paying a QR order (C扫B).
func (s *Sim) CustomerPay(outTradeNo string) error { return s.CustomerPayAs(outTradeNo, DemoUser) }

// CustomerPayAs is CustomerPay by a given user (created if unknown). A
// step scripted OnOutTradeNo for the order applies, else the behaviour
// scripted when the QR order was made: InsufficientBalance and
// RiskRejected refuse (the order stays payable), anything else pays.
// Paying twice is ErrNotPayable.
func (s *Sim) CustomerPayAs(outTradeNo, userID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.scannableLocked(outTradeNo)
	if err != nil {
		return err
	}
	t.state = stWaiting
	b, ok := s.takeStep(OnOutTradeNo(outTradeNo))
	if !ok {
		b = t.behaviour
	}
	switch b.outcome {
	case outNotEnough:
		return fmt.Errorf("providersim: pay %s: %w", outTradeNo, ErrInsufficient)
	case outRisk:
		return fmt.Errorf("providersim: pay %s: risk control: %w", outTradeNo, ErrNotPayable)
	}
	t.userID = s.userLocked(userID).ID
	if f := s.chargeLocked(t); f != fNone {
		t.userID = ""
		return fmt.Errorf("providersim: pay %s: %w", outTradeNo, ErrInsufficient)
	}
	return nil
}

// CustomerConfirmPassword is the customer entering the password for a code
// payment waiting on it: the trade is charged now (or fails with
// ErrInsufficient if the balance fell short meanwhile).
func (s *Sim) CustomerConfirmPassword(outTradeNo string) error {
	return s.endPassword(outTradeNo, true)
}

// CustomerCancel is the customer closing the password box: the trade fails
// (PAYERROR; Alipay keeps WAIT_BUYER_PAY until the till cancels).
func (s *Sim) CustomerCancel(outTradeNo string) error { return s.endPassword(outTradeNo, false) }

func (s *Sim) endPassword(outTradeNo string, ok bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.findAnyLocked(outTradeNo)
	if err != nil {
		return err
	}
	s.resolveLocked(t, false)
	if t.state != stWaiting || t.pending == nil {
		return fmt.Errorf("providersim: order %s is not waiting for a password: %w", outTradeNo, ErrNotPayable)
	}
	if f := s.finishPasswordLocked(t, ok); ok && f != fNone {
		return fmt.Errorf("providersim: order %s: %w", outTradeNo, ErrInsufficient)
	}
	return nil
}
