package app

import (
	"path/filepath"

	"zhanggui/hardware/nfc/pcsc"
	"zhanggui/hardware/qr"
	"zhanggui/sync/providersim"
)

func runDecode(e *env, args []string) int { return qr.RunDecodeCommand(args, e.stdout, e.stderr) }

func runCardRead(e *env, args []string) int { return pcsc.RunCardRead(args, e.stdout, e.stderr) }

// runSim serves the simulator with the keys the demo till uses (the data
// directory's simulator folder), so a till can be configured from them.
func runSim(e *env, args []string) int {
	args = append(args, "--data-dir", filepath.Join(e.dataDir, "simulator"))
	return providersim.RunSimCommand(args, e.stdout, e.stderr)
}
