package ui

import "fyne.io/fyne/v2"

// SyncDeps is what the sync status screen (同步) needs.
// TODO(sync): filled in by the sync status work.
type SyncDeps struct{}

type syncScreen struct{ content fyne.CanvasObject }

// newSyncScreen returns nil while the till has no outbox worker.
func newSyncScreen(a *App) *syncScreen { return nil }
