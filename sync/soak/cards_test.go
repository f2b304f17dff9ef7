package soak_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"zhanggui/storage"
	"zhanggui/sync/providersim"
	"zhanggui/sync/soak"
)

// spentCards are the holders whose account the harness spent: the only
// cards whose offline captures the acquirer may refuse. Written with the
// customers' mutex held, read once the tills are done.
var spentCards = map[string]bool{}

// cardHolders numbers the card customers: each card is new, drawing on a
// new account, so that its ATC is used by one till process only (the
// issuer refuses a cryptogram whose ATC does not rise).
var cardHolders atomic.Int64

// card hands the next customer a card the simulator issued: half of them
// answer a TC within the till's floor limit (approved offline, uploaded
// later), the others ask to go online whatever the amount. Some draw on an
// account already spent (declined online, or refused at the upload of an
// offline approval: the shop's loss), some meet a fault at the acquirer on
// their first call (authorization or capture). Called with c.mu held.
func (c *customers) card(w http.ResponseWriter) {
	user := fmt.Sprintf("k%06d", cardHolders.Add(1))
	info := c.sim.NewCard(user)
	h := soak.HandedCard{Info: info}
	if c.rnd.IntN(2) == 0 {
		h.FloorFen = int64(soak.CardLimits().FloorFen) + 1 // a TC for amounts within the floor
		c.faults["card-offline-capable"]++
	}
	switch r := c.rnd.IntN(100); {
	case r < 10:
		c.sim.SetBalance(user, 1)
		spentCards[user] = true
		c.faults["card-account-spent"]++
	case r < 13:
		c.sim.Script(providersim.OnCode(info.PAN), providersim.SystemErrorHiddenSuccess)
		c.faults["card-system-error-but-charged"]++
	case r < 16:
		c.sim.Script(providersim.OnCode(info.PAN), providersim.DropConnectionAfterCharge)
		c.faults["card-connection-dropped-after-charge"]++
	case r < 18:
		c.sim.Script(providersim.OnCode(info.PAN), providersim.SlowAnswer(time.Second))
		c.faults["card-answer-after-client-timeout"]++
	}
	if err := json.NewEncoder(w).Encode(h); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// auditCardLosses checks every loss the till booked against the acquirer:
// the capture was refused there, and only because the harness had spent
// the card's account. A good card's capture refused is money the shop
// loses for nothing.
func (h *harness) auditCardLosses(r *soak.Report) {
	db, err := storage.Open(h.cfg.DB)
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	losses, err := db.CardLosses(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	for _, l := range losses {
		tr, ok := h.sim.Trade(providersim.Card, l.PaymentID)
		switch {
		case !ok || tr.State != "failed":
			r.Violations = append(r.Violations, fmt.Sprintf("loss %s of %v booked, but the acquirer has it %q (found %v)",
				l.PaymentID, l.Amount, tr.State, ok))
		case !spentCards[tr.UserID]:
			r.Violations = append(r.Violations, fmt.Sprintf(
				"the offline capture %s of %v by a card in good standing (%s) was refused and booked as a loss: %s",
				l.PaymentID, l.Amount, l.MaskedPAN, l.Reason))
		}
	}
}
