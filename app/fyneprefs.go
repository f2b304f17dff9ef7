package app

import (
	"bytes"
	"encoding/json"
	"io"
	stdlog "log"
	"os"
	"path/filepath"
	"runtime"
)

// fyneAppID is the till's Fyne application ID (FyneApp.toml's too). Fyne
// keeps its own preferences under it (the file dialog's last folder and
// view); the till's settings are in its database.
const fyneAppID = "cn.zhanggui.till"

// fynePrefsPath is where Fyne (v2.7, desktop) keeps the preferences of app
// id: its RootConfigDir joined with the ID, as fyne.io/fyne/v2/internal/app
// computes it per system.
func fynePrefsPath(id string) string {
	home, _ := os.UserHomeDir()
	var root string
	switch runtime.GOOS {
	case "windows":
		root = filepath.Join(home, "AppData", "Roaming", "fyne")
	case "darwin":
		root = filepath.Join(home, "Library", "Preferences", "fyne")
	default:
		cfg, _ := os.UserConfigDir()
		root = filepath.Join(cfg, "fyne")
	}
	return filepath.Join(root, id, "preferences.json")
}

// repairFynePrefs replaces a preferences file that is not a JSON object
// (empty after a kill or a power cut between Fyne's truncate and its
// write) with an empty object, so that Fyne's load at start does not log
// "Preferences load error: EOF". A missing or readable file is left alone;
// the replacement is written beside it and renamed into place.
func repairFynePrefs(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	var obj map[string]any
	if json.Unmarshal(data, &obj) == nil && obj != nil {
		return nil
	}
	tmp := path + ".repair"
	if err := os.WriteFile(tmp, []byte("{}\n"), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// quietFynePrefs repairs Fyne's preferences file and keeps Fyne's
// "Preferences load error" report off the till's standard error. Fyne
// truncates the file before writing it (at every save, and always at
// exit) and its own file watcher can read it in between and find it
// empty; another till of the same user saving it does the same. The file
// only holds the file dialog's last folder, so the report says nothing a
// shopkeeper can act on. Other Fyne errors still print.
func quietFynePrefs(warn func(msg string, args ...any)) {
	if err := repairFynePrefs(fynePrefsPath(fyneAppID)); err != nil {
		warn("fyne preferences", "err", err)
	}
	stdlog.SetOutput(&prefsLoadFilter{w: stdlog.Writer()})
}

// prefsLoadFilter passes the standard logger's lines to w except Fyne's
// preferences load report: its header line and the Cause and At lines
// that follow it (fyne.LogError writes them as three log lines).
type prefsLoadFilter struct {
	w        io.Writer
	dropping bool
}

func (f *prefsLoadFilter) Write(line []byte) (int, error) {
	switch {
	case bytes.Contains(line, []byte("Fyne error:  Preferences load error:")):
		f.dropping = true
		return len(line), nil
	case f.dropping && (bytes.Contains(line, []byte("  Cause: ")) || bytes.Contains(line, []byte("  At: "))):
		return len(line), nil
	}
	f.dropping = false
	return f.w.Write(line)
}
