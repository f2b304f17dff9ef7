package app

// Rules of the Windows build, as plain functions so they are tested on every
// platform: defaultDataDir and console_windows.go use them.

import (
	"path/filepath"
	"strings"
)

// windowsDataDir is the data directory on Windows: %LOCALAPPDATA%\zhanggui,
// the per-user, per-machine folder, rather than the roaming %APPDATA%. The
// till's live SQLite database (with its -wal and -shm), its backups and logs
// belong to this machine: a roaming profile would copy them to a server at
// every logoff and back at logon, slowly, and a copy of a database taken
// while it is open is not a database. %APPDATA% is used only where
// LOCALAPPDATA is unset (Windows before Vista, or a stripped environment).
// getenv is os.Getenv; a parameter so the rule is tested on every platform.
func windowsDataDir(getenv func(string) string) string {
	for _, v := range []string{"LOCALAPPDATA", "APPDATA"} {
		if d := getenv(v); d != "" {
			return filepath.Join(d, "zhanggui")
		}
	}
	if p := getenv("USERPROFILE"); p != "" {
		return filepath.Join(p, "AppData", "Local", "zhanggui")
	}
	return "zhanggui-data"
}

// guiRequested reports whether args (without the program name) open the
// till's window: no command, or "gui", after any --data-dir.
func guiRequested(args []string) bool {
	rest, err := pullDataDir(args, new(string))
	if err != nil {
		return false
	}
	for len(rest) > 0 && strings.HasPrefix(rest[0], "-") {
		rest = rest[1:] // another global flag: Run reports it
	}
	return len(rest) == 0 || rest[0] == "gui"
}
