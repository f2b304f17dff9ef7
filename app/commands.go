package app

import (
	"fmt"

	"zhanggui/hardware/nfc/pcsc"
)

func runDecode(e *env, args []string) int {
	fmt.Fprintln(e.stderr, "zhanggui decode: not wired yet")
	return 1
}

func runCardRead(e *env, args []string) int { return pcsc.RunCardRead(args, e.stdout, e.stderr) }

func runSim(e *env, args []string) int {
	fmt.Fprintln(e.stderr, "zhanggui sim: not wired yet")
	return 1
}
