package ui

// closeOverlays shuts every dialog and pop-up on the window when the till
// locks, so none stays usable over the login screen: the approval sheet
// by its cancel path, the others dropped unanswered (as if cancelled:
// nothing they would have done is done).
func (a *App) closeOverlays() {
	if a.gate != nil {
		a.gate.Cancel()
	}
	a.ask = nil
	ov := a.win.Canvas().Overlays()
	for top := ov.Top(); top != nil; top = ov.Top() {
		top.Hide()
		ov.Remove(top)
	}
}
