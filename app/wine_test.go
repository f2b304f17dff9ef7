package app

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	goqrcode "github.com/skip2/go-qrcode"

	"zhanggui/reports"
	"zhanggui/storage"
)

// The Windows build, run under Wine: make test cross-builds zhanggui.exe
// and points ZHANGGUI_WINDOWS_EXE at it. Each command is the real .exe in a
// throwaway Wine prefix, checked from this side with the Linux code (a
// database the .exe wrote is opened here). What Wine cannot show is said in
// the README: no real Windows, no PC/SC reader, no camera.

// wine runs Windows programs in a prefix of its own.
type wine struct {
	bin, exe, prefix string
	env              []string
}

// newWine makes a Wine prefix with the ProcessPrng shim (see
// assets/packaging/windows/processprng.c) in its system32, or skips when
// no .exe is given.
func newWine(t *testing.T) *wine {
	t.Helper()
	exe := os.Getenv("ZHANGGUI_WINDOWS_EXE")
	if exe == "" {
		t.Skip("ZHANGGUI_WINDOWS_EXE is not set (make test sets it when Wine is installable)")
	}
	exe, err := filepath.Abs(exe)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("ZHANGGUI_WINDOWS_EXE: %v", err)
	}
	w := &wine{bin: findProgram(t, "ZHANGGUI_WINE", "wine64", "/usr/lib/wine/wine64", "wine"), exe: exe, prefix: t.TempDir()}
	w.env = append(os.Environ(), "WINEPREFIX="+w.prefix, "WINEDEBUG=-all",
		"WINEDLLOVERRIDES=mscoree,mshtml=", // no Mono or Gecko download prompts
		"DISPLAY=")                         // headless: the commands need no window
	t.Cleanup(w.stop)
	start := time.Now()
	if out, err := w.command(context.Background(), "wineboot", "--init").CombinedOutput(); err != nil {
		t.Fatalf("wineboot: %v\n%s", err, out)
	}
	w.installShim(t)
	t.Logf("Wine prefix ready in %v", time.Since(start).Round(time.Millisecond))
	return w
}

// findProgram is the program named by the environment variable, or the
// first of names found on PATH or as a path.
func findProgram(t *testing.T, envVar string, names ...string) string {
	t.Helper()
	if p := os.Getenv(envVar); p != "" {
		names = []string{p}
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	t.Fatalf("none of %v found (set %s)", names, envVar)
	return ""
}

// installShim builds bcryptprimitives.dll with the mingw-w64 compiler that
// built the .exe: Wine 8 lacks it, and Go 1.22+ dies at start without it.
func (w *wine) installShim(t *testing.T) {
	t.Helper()
	cc := findProgram(t, "ZHANGGUI_MINGW_CC", "x86_64-w64-mingw32-gcc")
	dll := filepath.Join(w.prefix, "drive_c", "windows", "system32", "bcryptprimitives.dll")
	src := filepath.Join("..", "assets", "packaging", "windows", "processprng.c")
	out, err := exec.Command(cc, "-shared", "-O2", "-s", "-o", dll, src, "-ladvapi32").CombinedOutput()
	if err != nil {
		t.Fatalf("build the ProcessPrng shim: %v\n%s", err, out)
	}
}

func (w *wine) command(ctx context.Context, args ...string) *exec.Cmd {
	c := exec.CommandContext(ctx, w.bin, args...)
	c.Env = w.env
	return c
}

// run runs zhanggui.exe with args and returns its exit status and output.
func (w *wine) run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errb strings.Builder
	c := w.command(ctx, append([]string{w.exe}, args...)...)
	c.Stdout, c.Stderr = &out, &errb
	err := c.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String()
	} else if err != nil {
		t.Fatalf("wine %v: %v", args, err)
	}
	return 0, out.String(), errb.String()
}

// stop ends every process of the prefix.
func (w *wine) stop() {
	server := filepath.Join(filepath.Dir(w.bin), "wineserver")
	if _, err := os.Stat(server); err != nil {
		server = "wineserver"
	}
	c := exec.Command(server, "-k")
	c.Env = w.env
	_ = c.Run() // nothing left to stop is fine
}

// winPath is path as Windows programs under Wine see it (drive Z: is /).
func winPath(path string) string { return `Z:` + strings.ReplaceAll(path, "/", `\`) }

func TestWindowsExeUnderWine(t *testing.T) {
	w := newWine(t)
	start := time.Now()
	dir := t.TempDir()
	t.Run("version", func(t *testing.T) {
		if code, out, errs := w.run(t, "version"); code != 0 || !strings.HasPrefix(out, "zhanggui ") {
			t.Errorf("version: exit %d, stdout %q, stderr %q", code, out, errs)
		}
	})
	t.Run("decode", func(t *testing.T) { wineDecode(t, w, dir) })
	t.Run("import-products and backup", func(t *testing.T) { wineShop(t, w, dir) })
	t.Run("sim", func(t *testing.T) { wineSim(t, w, dir) })
	t.Logf("commands under Wine took %v", time.Since(start).Round(time.Millisecond))
}

// wineDecode decodes a QR code drawn into a grey 640x480 frame.
func wineDecode(t *testing.T, w *wine, dir string) {
	const text = "https://qr.alipay.com/fkx12345zhanggui"
	q, err := goqrcode.New(text, goqrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	frame := image.NewGray(image.Rect(0, 0, 640, 480))
	draw.Draw(frame, frame.Bounds(), image.NewUniform(color.Gray{Y: 140}), image.Point{}, draw.Src)
	draw.Draw(frame, image.Rect(200, 120, 440, 360), q.Image(240), image.Point{}, draw.Src)
	path := filepath.Join(dir, "frame.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(png.Encode(f, frame), f.Close()); err != nil {
		t.Fatal(err)
	}
	code, out, errs := w.run(t, "decode", winPath(path))
	if want := winPath(path) + "\t" + text + "\tQR_CODE"; code != 0 || !strings.HasPrefix(out, want) {
		t.Errorf("decode: exit %d, stdout %q (want prefix %q), stderr %q", code, out, want, errs)
	}
}

// wineShop imports the product template into the default data directory
// (%LOCALAPPDATA%\zhanggui), backs it up and restores the backup elsewhere;
// the files are then read here.
func wineShop(t *testing.T, w *wine, dir string) {
	template := filepath.Join(dir, "商品导入模板.xlsx")
	f, err := os.Create(template)
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(reports.WriteTemplateXLSX(f, "zh"), f.Close()); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := w.run(t, "import-products", winPath(template)); code != 0 || !strings.Contains(out, "imported 2 products") {
		t.Fatalf("import-products: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	dbs, _ := filepath.Glob(filepath.Join(w.prefix, "drive_c", "users", "*", "AppData", "Local", "zhanggui", dbFile))
	if len(dbs) != 1 {
		t.Fatalf("database under %%LOCALAPPDATA%%\\zhanggui: found %v", dbs)
	}
	backup := filepath.Join(dir, "backups", "copy.db")
	if err := os.MkdirAll(filepath.Dir(backup), 0o700); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := w.run(t, "backup", winPath(backup)); code != 0 || !strings.Contains(out, "integrity check ok") {
		t.Fatalf("backup: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	wantProducts(t, backup, 2)
	restored := filepath.Join(dir, "restored")
	if code, out, errs := w.run(t, "--data-dir", winPath(restored), "restore", winPath(backup)); code != 0 {
		t.Fatalf("restore: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	wantProducts(t, filepath.Join(restored, dbFile), 2)
}

// wantProducts opens a database the .exe wrote and counts its products.
func wantProducts(t *testing.T, path string, n int) {
	t.Helper()
	db, err := storage.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer db.Close()
	ps, err := db.Products(context.Background())
	if err != nil || len(ps) != n {
		t.Errorf("%s: %d products, %v; want %d", path, len(ps), err, n)
	}
	for _, p := range ps {
		if !strings.ContainsFunc(p.Name, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
			t.Errorf("product name %q lost its Chinese on the way", p.Name)
		}
	}
}

// wineSim starts the provider simulator on a free loopback port and asks it
// for a customer's payment code from this side.
func wineSim(t *testing.T, w *wine, dir string) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := w.command(ctx, w.exe, "--data-dir", winPath(filepath.Join(dir, "sim")), "sim", "--addr", "127.0.0.1:0")
	stdout, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Process.Kill(); _ = c.Wait() }()
	base := simBase(t, stdout)
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	resp, err := http.Post(base+"/customer/code?provider=alipay", "", nil)
	if err != nil {
		t.Fatalf("sim under Wine: %v", err)
	}
	defer resp.Body.Close()
	var got struct{ Code string }
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != http.StatusOK || got.Code == "" {
		t.Errorf("POST /customer/code: %s, %+v, %v", resp.Status, got, err)
	}
}

// simBase reads the simulator's banner up to its address.
func simBase(t *testing.T, stdout io.Reader) string {
	t.Helper()
	re := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	sc := bufio.NewScanner(stdout)
	var seen []string
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			return m[1]
		}
		seen = append(seen, sc.Text())
	}
	t.Fatalf("sim under Wine printed no address: %q %v", seen, sc.Err())
	return ""
}
