package pcsc_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestCardReadWithoutService runs card-read in a child process whose
// libpcsclite looks for pcscd's socket where there is none: the real "pcscd
// is not running" path, whatever runs on this machine. (libpcsclite reads
// PCSCLITE_CSOCK_NAME once per process, hence the child.)
func TestCardReadWithoutService(t *testing.T) {
	if os.Getenv("ZHANGGUI_CARD_READ_CHILD") == "1" {
		os.Exit(cardReadChild())
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCardReadWithoutService$")
	cmd.Env = append(os.Environ(), "ZHANGGUI_CARD_READ_CHILD=1", "PCSCLITE_CSOCK_NAME="+t.TempDir()+"/no-pcscd")
	out, err := cmd.CombinedOutput()
	exit, ok := err.(*exec.ExitError)
	if !ok || exit.ExitCode() != 1 {
		t.Fatalf("card-read without pcscd: %v, output:\n%s", err, out)
	}
	for _, want := range []string{"pcscd 未运行，请启动智能卡服务", "scard: Service not available."} {
		if !strings.Contains(string(out), want) {
			t.Errorf("card-read without pcscd did not say %q:\n%s", want, out)
		}
	}
}

// cardReadChild is the child's card-read.
func cardReadChild() int {
	code, out, errOut := runCardRead("--timeout", "1s")
	_, _ = os.Stdout.WriteString(out + errOut) // the parent reads it; nowhere to report a failure
	return code
}
