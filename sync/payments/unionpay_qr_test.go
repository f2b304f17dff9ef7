package payments_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"zhanggui/pos"
	"zhanggui/pos/money"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
	"zhanggui/sync/payments"
	"zhanggui/sync/providersim"
	"zhanggui/sync/unionpay"
)

// acquirerLive is the real stack for the acquirer's dynamic QR: SQLite,
// the unionpay client, the simulator on loopback.
type acquirerLive struct {
	db  *storage.DB
	sim *providersim.Sim
	svc *payments.Service
}

func newAcquirerLive(t *testing.T) *acquirerLive {
	t.Helper()
	db := storagetest.NewDB(t)
	sim, err := providersim.New(providersim.Config{DataDir: simKeys})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	a := sim.Credentials().Acquirer
	cli, err := unionpay.New(unionpay.Config{BaseURL: srv.URL + "/acquirer", MerchantID: a.MerchantID,
		HMACKeyHex: a.HMACKey, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	svc := &payments.Service{Store: db, RefundStore: db, Providers: map[pos.Provider]payments.Provider{pos.UnionPay: cli},
		Now: time.Now, NewID: func() string { n++; return fmt.Sprintf("U%s%06d", time.Now().Format("20060102150405"), n) },
		Policy: payments.Policy{PollEvery: 10 * time.Millisecond, PollFor: time.Second, QRFor: 300 * time.Millisecond,
			QRExpiry: 5 * time.Minute, CancelTries: 3, CancelEvery: 10 * time.Millisecond}}
	return &acquirerLive{db: db, sim: sim, svc: svc}
}

// payQR runs PayQR for sale and lets the customer act once, when the QR is
// first shown.
func (l *acquirerLive) payQR(t *testing.T, sale string, amount int64, customer func(no string) error) (pos.Payment, string) {
	t.Helper()
	var once sync.Once
	var qr string
	p, err := l.svc.PayQR(context.Background(), sale, pos.UnionPay, money.Fen(amount), func(p pos.Payment) {
		if p.QR != "" && p.State == pos.PayWaiting {
			once.Do(func() {
				qr = p.QR
				if err := customer(p.ID); err != nil {
					t.Logf("customer: %v", err)
				}
			})
		}
	})
	if err != nil {
		t.Fatalf("PayQR: %v", err)
	}
	return p, qr
}

// charged sums the simulator's payments for outTradeNo.
func (l *acquirerLive) charged(outTradeNo string) (n int, amount int64) {
	for _, c := range l.sim.Charges() {
		if c.OutTradeNo == outTradeNo && c.Kind == providersim.ChargePayment && c.Provider == providersim.UnionPay {
			n, amount = n+1, amount+int64(c.Amount)
		}
	}
	return n, amount
}

func TestUnionPayQRPaid(t *testing.T) {
	l := newAcquirerLive(t)
	ctx := context.Background()
	p, qr := l.payQR(t, "sale-uq1", 2560, l.sim.CustomerPay)
	if p.State != pos.PaySucceeded || p.TradeNo == "" || p.Provider != pos.UnionPay || p.Mode != pos.ModeQR {
		t.Fatalf("payment %+v", p)
	}
	if len(qr) < 31 || qr[:30] != "https://qr.95516.com/00010000/" {
		t.Errorf("QR shown %q", qr)
	}
	if n, amt := l.charged(p.ID); n != 1 || amt != 2560 {
		t.Errorf("simulator charged %d times, %d fen", n, amt)
	}
	saved, err := l.db.Payment(ctx, p.ID)
	if err != nil || saved.State != pos.PaySucceeded || saved.QR != qr {
		t.Errorf("saved payment %+v, %v", saved, err)
	}
	if tk := p.Tender().Kind; tk != pos.TenderUnionPay {
		t.Errorf("tender kind %s", tk)
	}
}

// TestUnionPayQRNotPaid: the customer scans and walks away, or has not
// enough money: the till closes the QR when its wait is over, nothing is
// charged, and the closed QR cannot be paid afterwards.
func TestUnionPayQRNotPaid(t *testing.T) {
	l := newAcquirerLive(t)
	for _, tt := range []struct {
		name     string
		customer func(no string) error
	}{
		{"walks away", l.sim.CustomerScan},
		{"no balance", func(no string) error {
			l.sim.Script(providersim.OnOutTradeNo(no), providersim.InsufficientBalance)
			if err := l.sim.CustomerPay(no); !errors.Is(err, providersim.ErrInsufficient) {
				return fmt.Errorf("pay without money: %w", err)
			}
			return nil
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := l.payQR(t, "sale-"+tt.name, 900, tt.customer)
			if p.State != pos.PayReversed {
				t.Fatalf("payment %s (%s), want reversed", p.State, p.Reason)
			}
			if err := l.sim.CustomerPay(p.ID); err == nil {
				t.Error("the closed QR was paid")
			}
			if n, _ := l.charged(p.ID); n != 0 {
				t.Errorf("charged %d times", n)
			}
			if tr, _ := l.sim.Trade(providersim.UnionPay, p.ID); tr.State != "closed" {
				t.Errorf("acquirer order %s, want closed", tr.State)
			}
		})
	}
}
