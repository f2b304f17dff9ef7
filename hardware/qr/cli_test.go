package qr

import (
	"bytes"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writePNG(t *testing.T, dir, name string, img image.Image) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunDecodeCommand(t *testing.T) {
	dir := t.TempDir()
	code, _ := scene(qrModules(t, alipayCode), pose{320, 240, 5, 0}, 4)
	good := writePNG(t, dir, "code.png", code)
	empty := writePNG(t, dir, "empty.png", frame(320, 240, 1))
	missing := filepath.Join(dir, "missing.png")

	tests := []struct {
		name       string
		args       []string
		wantStatus int
		wantOut    []string // substrings of stdout, in order of lines
		wantErr    string   // substring of stderr
	}{
		{"decodes", []string{good}, ExitOK, []string{good + "\t" + alipayCode + "\tQR_CODE\t"}, ""},
		{"nothing found", []string{good, empty}, ExitNotFound, []string{good + "\t" + alipayCode}, empty + ": qr: no code found"},
		{"unreadable file", []string{missing}, ExitNotFound, nil, missing},
		{"no images", nil, ExitUsage, nil, "usage: zhanggui decode"},
		{"bad flag", []string{"--nope", good}, ExitUsage, nil, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := RunDecodeCommand(tt.args, &stdout, &stderr); got != tt.wantStatus {
				t.Errorf("status = %d, want %d (stderr %q)", got, tt.wantStatus, stderr.String())
			}
			lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			if len(tt.wantOut) == 0 && stdout.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", stdout.String())
			}
			for i, want := range tt.wantOut {
				if i >= len(lines) || !strings.HasPrefix(lines[i], want) {
					t.Errorf("stdout line %d = %q, want prefix %q", i, lines, want)
				}
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr = %q, want %q in it", stderr.String(), tt.wantErr)
			}
		})
	}
}

func TestRunDecodeCommandText(t *testing.T) {
	dir := t.TempDir()
	code, _ := scene(qrModules(t, wechatCode), pose{320, 240, 5, 0}, 4)
	path := writePNG(t, dir, "code.png", code)
	var stdout, stderr bytes.Buffer
	RunDecodeCommand([]string{path}, &stdout, &stderr)
	fields := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\t")
	if len(fields) != 5 {
		t.Fatalf("line %q has %d fields, want 5", stdout.String(), len(fields))
	}
	if pts := strings.Split(fields[3], ";"); len(pts) != 4 || !strings.Contains(pts[0], ",") {
		t.Errorf("points field %q, want four x,y pairs", fields[3])
	}
	if !strings.HasSuffix(fields[4], "s") {
		t.Errorf("elapsed field %q, want a duration", fields[4])
	}
}

func TestRunDecodeCommandJSON(t *testing.T) {
	dir := t.TempDir()
	code, _ := scene(qrModules(t, unionpayCode), pose{320, 240, 5, 0}, 4)
	good := writePNG(t, dir, "code.png", code)
	empty := writePNG(t, dir, "empty.png", frame(320, 240, 1))
	var stdout, stderr bytes.Buffer
	if got := RunDecodeCommand([]string{"--json", good, empty}, &stdout, &stderr); got != ExitNotFound {
		t.Errorf("status = %d, want %d", got, ExitNotFound)
	}
	dec := json.NewDecoder(&stdout)
	var first, second map[string]any
	if err := dec.Decode(&first); err != nil {
		t.Fatal(err)
	}
	if err := dec.Decode(&second); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"file", "text", "format", "points", "ms", "error"} {
		if _, ok := first[key]; !ok {
			t.Errorf("object %v has no %q", first, key)
		}
	}
	if first["text"] != unionpayCode || first["format"] != FormatQR || first["error"] != "" {
		t.Errorf("first object %v", first)
	}
	if pts, _ := first["points"].([]any); len(pts) != 4 {
		t.Errorf("points %v, want 4", first["points"])
	}
	if second["file"] != empty || second["error"] != ErrNotFound.Error() {
		t.Errorf("second object %v", second)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr = %q, want nothing with --json", stderr.String())
	}
}
