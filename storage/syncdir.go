//go:build !windows

package storage

import (
	"errors"
	"os"
)

// syncDir makes the directory entries just created or renamed in dir
// durable: on Unix file systems a rename is only on disk once the directory
// itself is fsynced.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
