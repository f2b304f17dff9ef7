//go:build unix

package app

import (
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// osActor names the operating-system account that owns the data directory,
// as "os:USER": headless commands ask for no PIN (cron runs backups) and
// are audited under it.
func osActor(dataDir string) string {
	if fi, err := os.Stat(dataDir); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			id := strconv.FormatUint(uint64(st.Uid), 10)
			if u, err := user.LookupId(id); err == nil {
				return "os:" + u.Username
			}
			return "os:uid" + id
		}
	}
	return currentOSActor()
}
