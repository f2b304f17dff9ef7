package app

import (
	"fmt"
)

func runDecode(e *env, args []string) int {
	fmt.Fprintln(e.stderr, "zhanggui decode: not wired yet")
	return 1
}

func runCardRead(e *env, args []string) int {
	fmt.Fprintln(e.stderr, "zhanggui card-read: not wired yet")
	return 1
}

func runSim(e *env, args []string) int {
	fmt.Fprintln(e.stderr, "zhanggui sim: not wired yet")
	return 1
}
