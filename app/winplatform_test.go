package app

import (
	"path/filepath"
	"testing"
)

func TestWindowsDataDir(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"local app data first", map[string]string{"LOCALAPPDATA": `C:\Users\li\AppData\Local`, "APPDATA": `C:\Users\li\AppData\Roaming`},
			filepath.Join(`C:\Users\li\AppData\Local`, "zhanggui")},
		{"roaming when no local", map[string]string{"APPDATA": `C:\Users\li\AppData\Roaming`},
			filepath.Join(`C:\Users\li\AppData\Roaming`, "zhanggui")},
		{"profile when neither", map[string]string{"USERPROFILE": `C:\Users\li`},
			filepath.Join(`C:\Users\li`, "AppData", "Local", "zhanggui")},
		{"nothing set", map[string]string{}, "zhanggui-data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := windowsDataDir(func(k string) string { return tt.env[k] })
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestGUIRequested(t *testing.T) {
	tests := []struct {
		args []string
		want bool
	}{
		{nil, true},
		{[]string{"gui"}, true},
		{[]string{"--data-dir", `D:\shop`}, true},
		{[]string{"--data-dir=D:\\shop", "gui"}, true},
		{[]string{"backup", `D:\copy.db`}, false},
		{[]string{"--data-dir", `D:\shop`, "version"}, false},
		{[]string{"--data-dir"}, false},
	}
	for _, tt := range tests {
		if got := guiRequested(tt.args); got != tt.want {
			t.Errorf("guiRequested(%q) = %v, want %v", tt.args, got, tt.want)
		}
	}
}
