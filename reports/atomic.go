package reports

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeFileAtomic writes a document to path through a temporary file beside
// it and a rename: a failed export never leaves half a workbook where the
// owner's or the accountant's file was.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("reports: export %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after the rename there is nothing to remove
	err = write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644) // a document, like any Excel saves
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("reports: export %s: %w", path, err)
	}
	return nil
}
