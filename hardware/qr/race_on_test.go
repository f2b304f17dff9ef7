//go:build race

package qr

// raceEnabled: the race detector makes decoding about ten times slower.
const raceEnabled = true
