//go:build !unix

package app

// osActor names the account running the headless command (on Windows the
// profile directory that holds the data is that account's own).
func osActor(string) string { return currentOSActor() }
