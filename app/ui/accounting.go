package ui

import "fyne.io/fyne/v2"

// AccountingDeps is what the accountant's screen (对账) needs.
// TODO(accounting): filled in by the accounting screen work.
type AccountingDeps struct{}

type accountingScreen struct{ content fyne.CanvasObject }

// newAccountingScreen returns nil while reconciliation is not set up.
func newAccountingScreen(a *App) *accountingScreen { return nil }
