package app

import (
	"os"
	"syscall"
	"unsafe"
)

// zhanggui.exe is a console program, so that `zhanggui backup D:\copy.db`
// in cmd.exe or PowerShell prints its output and cmd waits for its exit
// status. Started from Explorer or a shortcut, Windows gives it a console
// window of its own, which would stay open behind the till all day; init
// lets go of that console when the till's window is what was asked for and
// no other process shares the console (so a till started from cmd.exe keeps
// the cmd window it came from).
func init() {
	if guiRequested(os.Args[1:]) && ownConsole() {
		kernel32.NewProc("FreeConsole").Call()
	}
}

var kernel32 = syscall.NewLazyDLL("kernel32.dll")

// ownConsole reports whether this process is alone on its console, that is,
// the console was made for it. Without a console (output redirected, or
// under Wine from a terminal) the count is 0.
func ownConsole() bool {
	var pids [2]uint32
	n, _, _ := kernel32.NewProc("GetConsoleProcessList").Call(uintptr(unsafe.Pointer(&pids[0])), uintptr(len(pids)))
	return n == 1
}
