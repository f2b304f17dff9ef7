package app

import "os/user"

// currentOSActor is "os:USER" for the account running this process.
func currentOSActor() string {
	if u, err := user.Current(); err == nil {
		return "os:" + u.Username
	}
	return "os:unknown"
}
