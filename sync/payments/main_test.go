package payments_test

import (
	"fmt"
	"os"
	"testing"

	"zhanggui/sync/providersim"
)

// simKeys holds the simulator's keys, generated once for the test binary:
// RSA key generation is the slow part of providersim.New. Each test still
// gets a simulator of its own (its own trades and ledger).
var simKeys string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "payments-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	simKeys = dir
	if _, err := providersim.New(providersim.Config{DataDir: dir}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
