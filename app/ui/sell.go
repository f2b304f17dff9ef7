package ui

import (
	"context"
	"errors"

	"zhanggui/pos"
)

// errNoSell refuses a payment to whoever the permission table does not let
// sell (pos.ActSell: the accountant, a trainee on the live till).
var errNoSell = errors.New("ui: who is at the till may not take payments")

// maySell refuses payments to those who may not sell.
func (a *App) maySell() error {
	if a.permissions().Decide(a.cashier.Role, pos.ActSell) == pos.Deny {
		return errNoSell
	}
	return nil
}

// refuseTrainee keeps a trainee off the live till (trainees work in
// training mode only): the till locks again, saying so. It tells whether
// s was refused.
func (a *App) refuseTrainee(s pos.Staff) bool {
	if s.Role != pos.RoleTrainee {
		return false
	}
	if err := a.deps.Login.Service.Lock(context.Background(), s); err != nil {
		a.deps.Log.Error("audit lock", "err", err)
	}
	a.refusal = Tf("%s is a trainee: trainees work in training mode only, not on the live till.", s.Name)
	a.showLogin(a.refusal)
	return true
}

// landingTab shows the first tab of who just logged in: the checkout, or
// the reports for those who may not sell but may see them (the
// accountant).
func (a *App) landingTab() {
	a.tabs.SelectIndex(0)
	if a.maySell() == nil || a.reports == nil {
		return
	}
	if it := a.tabOf(a.reports.content); it != nil {
		a.tabs.Select(it)
		a.win.Canvas().Unfocus()
	}
}
