//go:build !linux || wayland

package app

import "zhanggui/app/ui"

// newWindowScreen is nil where the till cannot place windows: the window
// manager (or the compositor, under Wayland) places the customer display.
func newWindowScreen() ui.WindowScreen { return nil }
