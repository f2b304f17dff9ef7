package ui

// DisplayDeps configures the customer-facing display window.
// TODO(display): filled in by the customer display work.
type DisplayDeps struct{}
