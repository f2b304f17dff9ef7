package ui

import "fyne.io/fyne/v2"

// SalesReports answers the sales reports screen (报表).
// TODO(reports): filled in by the sales reports work.
type SalesReports interface{}

type reportsScreen struct{ content fyne.CanvasObject }

// newReportsScreen returns nil while the till has no reports to show.
func newReportsScreen(a *App) *reportsScreen { return nil }
