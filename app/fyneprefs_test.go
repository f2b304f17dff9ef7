package app

import (
	"bytes"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestRepairFynePrefs: an empty or broken preferences file becomes an
// empty JSON object; a good one and a missing one are left as they are.
func TestRepairFynePrefs(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"empty", "", "{}\n"},
		{"cut short", `{"fyne:fileDialogLastFolder":"fi`, "{}\n"},
		{"not an object", `null`, "{}\n"},
		{"good", `{"fyne:fileDialogViewLayout":1}` + "\n", `{"fyne:fileDialogViewLayout":1}` + "\n"},
	} {
		path := filepath.Join(t.TempDir(), "preferences.json")
		if err := os.WriteFile(path, []byte(c.in), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := repairFynePrefs(path); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got, _ := os.ReadFile(path); string(got) != c.want {
			t.Errorf("%s: file holds %q after repair, want %q", c.name, got, c.want)
		}
	}
	missing := filepath.Join(t.TempDir(), "none", "preferences.json")
	if err := repairFynePrefs(missing); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(missing)); !os.IsNotExist(err) {
		t.Errorf("repair created %s for a missing file", filepath.Dir(missing))
	}
}

// TestFynePrefsPath: the path ends in the app's ID and Fyne's file name,
// under the user's configuration directory on this system.
func TestFynePrefsPath(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/cfg")
	got := fynePrefsPath(fyneAppID)
	if !strings.HasSuffix(got, filepath.Join("fyne", fyneAppID, "preferences.json")) {
		t.Errorf("fynePrefsPath = %q", got)
	}
	if runtime.GOOS == "linux" && got != "/cfg/fyne/"+fyneAppID+"/preferences.json" {
		t.Errorf("fynePrefsPath = %q, want it under $XDG_CONFIG_HOME/fyne", got)
	}
	toml, err := os.ReadFile("../FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(toml), `ID = "`+fyneAppID+`"`) {
		t.Errorf("FyneApp.toml's ID is not %s", fyneAppID)
	}
}

// TestPrefsLoadFilter: Fyne's preferences load report (three log lines)
// is dropped from the standard logger's output; other Fyne errors and
// other lines pass whole.
func TestPrefsLoadFilter(t *testing.T) {
	var out bytes.Buffer
	l := log.New(&prefsLoadFilter{w: &out}, "", log.LstdFlags)
	l.Println("before")
	l.Println("Fyne error: ", "Preferences load error:")
	l.Println("  Cause:", "EOF")
	l.Printf("  At: %s:%d", "/x/preferences.go", 103)
	l.Println("Fyne error: ", "Failed on saving preferences")
	l.Println("  Cause:", "disk full")
	l.Println("after")
	got := out.String()
	if strings.Contains(got, "Preferences load error") || strings.Contains(got, "EOF") || strings.Contains(got, "preferences.go") {
		t.Errorf("the load report passed the filter:\n%s", got)
	}
	for _, want := range []string{"before", "Failed on saving preferences", "Cause: disk full", "after"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q was dropped:\n%s", want, got)
		}
	}
}
