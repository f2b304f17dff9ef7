package app

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhanggui/assets"
	"zhanggui/pos"
)

// TestScreenshots runs the real binary in a real window under Xvfb with a
// cart of Chinese items, screenshots the checkout, orders, products and
// settings screens, and fails if a screen is blank. make test and make
// screenshot start Xvfb and pass its display in ZHANGGUI_TEST_DISPLAY;
// ZHANGGUI_SCREENSHOT_DIR keeps the PNGs (the README's pictures).
func TestScreenshots(t *testing.T) {
	display := os.Getenv("ZHANGGUI_TEST_DISPLAY")
	if display == "" {
		if os.Getenv("ZHANGGUI_REQUIRE_XVFB") != "" {
			t.Fatal("ZHANGGUI_REQUIRE_XVFB is set but no ZHANGGUI_TEST_DISPLAY: make test starts Xvfb")
		}
		t.Skip("no X display for the real window (make test provides one)")
	}
	for _, tool := range []string{"xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: make test installs it", tool)
		}
	}
	outDir := os.Getenv("ZHANGGUI_SCREENSHOT_DIR")
	if outDir == "" {
		outDir = t.TempDir()
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := buildBinary(t)
	dataDir := t.TempDir()
	seedScreenshotShop(t, dataDir)

	cmd := exec.Command(bin, "--data-dir", dataDir)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=zh_CN.UTF-8")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill() // the test is over; the window goes with it
		_ = cmd.Wait()
	}()
	win := waitWindow(t, display, "掌柜")
	// The demo's customer phone opens as a second window; without a window
	// manager both start at the top left, so put the phone beside the till.
	phone := waitWindow(t, display, "顾客手机")
	x(t, display, "xdotool", "windowmove", phone, "1290", "0")
	// The customer display too: left where it opened, it covers the till.
	x(t, display, "xdotool", "windowmove", waitWindow(t, display, "顾客显示屏"), "0", "730")
	x(t, display, "xdotool", "windowraise", win)
	// The till starts locked: the login screen, its first tile (the owner)
	// selected and the demo PINs shown; the owner's PIN logs in.
	prev := capture(t, display, filepath.Join(outDir, "login.png"), nil)
	x(t, display, "xdotool", "windowfocus", "--sync", win)
	x(t, display, "xdotool", "type", "--delay", "60", assets.DemoStaff[0].PIN)
	// Ctrl+N selects tab N (Ctrl+0 the tenth): checkout, orders, products,
	// settings, hardware, payment channels, shift, reports, reconciliation,
	// sync. The eleventh, staff, has no key: a click on its tab (-1).
	shots := []struct {
		name string
		tab  int
	}{{"checkout", 0}, {"orders", 1}, {"products", 2}, {"settings", 3}, {"shift", 6}, {"reports", 7},
		{"reconcile", 8}, {"sync", 9}, {"staff", -1}}
	for i, shot := range shots {
		name := shot.name
		if i > 0 {
			// No window manager runs under Xvfb: focus the window directly.
			x(t, display, "xdotool", "windowfocus", "--sync", win)
			if shot.tab < 0 {
				x(t, display, "xdotool", "mousemove", "--window", win, "579", "64", "click", "1")
			} else {
				x(t, display, "xdotool", "key", "ctrl+"+string(rune('0'+(shot.tab+1)%10)))
			}
		}
		if name == "orders" { // open the latest order: its receipt as printed
			x(t, display, "xdotool", "mousemove", "--window", win, "200", "146", "click", "1")
		}
		path := filepath.Join(outDir, name+".png")
		prev = capture(t, display, path, prev)
	}
}

// capture screenshots the screen into path once it shows a drawn window
// different from prev (the screen before): a machine under load may take a
// few seconds to paint. It fails if that never happens.
func capture(t *testing.T, display, path string, prev []byte) []byte {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		time.Sleep(500 * time.Millisecond)
		x(t, display, "timeout", "20", "import", "-window", "root", path)
		png, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		colours, dark, total := inspect(t, path)
		drawn := len(colours) >= 30 && dark >= total/200 && !bytes.Equal(png, prev)
		if drawn || time.Now().After(deadline) {
			t.Logf("%s: %d colours, %.1f%% dark pixels", filepath.Base(path), len(colours), 100*float64(dark)/float64(total))
			if !drawn {
				t.Fatalf("%s looks blank or unchanged: %d colours, %d dark pixels of %d", path, len(colours), dark, total)
			}
			return png
		}
	}
}

// buildBinary builds the till into a temporary directory.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "zhanggui")
	out, err := exec.Command("go", "build", "-o", bin, "zhanggui").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// seedScreenshotShop makes the demo shop with two sales today and a sale in
// progress holding Chinese items, which the till resumes at start.
func seedScreenshotShop(t *testing.T, dataDir string) {
	t.Helper()
	ctx := context.Background()
	db, err := openShop(ctx, dataDir, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cat, err := loadCatalog(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	all := cat.All()
	if len(all) < 150 {
		t.Fatalf("demo shop has %d products", len(all))
	}
	st, _ := db.Settings(ctx)
	for n := 0; n < 2; n++ {
		cart := &pos.Cart{ID: newID()}
		for _, p := range all[n*7 : n*7+4] {
			qty := pos.OnePiece
			if p.ByWeight {
				qty = 456
			}
			if err := cart.Add(p, qty); err != nil {
				t.Fatal(err)
			}
		}
		due, _ := cart.Due(pos.RoundNone, true)
		td, _ := pos.CashTender(due, due+(100-due%100))
		now := time.Now()
		no, err := db.NextSaleNo(ctx, pos.BusinessDay(now, st.Location()), st.StoreCode, st.TillCode)
		if err != nil {
			t.Fatal(err)
		}
		s, err := cart.Checkout(pos.Checkout{ID: cart.ID, No: no, EntryID: newID(), At: now, Cashier: "收银员",
			Training: true, Tenders: []pos.Tender{td}})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SaveSale(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	cart := &pos.Cart{ID: newID()}
	for _, name := range []string{"可口可乐", "农夫山泉", "康师傅", "苹果"} {
		if found := cat.Search(name, 1); len(found) == 1 {
			qty := pos.OnePiece
			if found[0].ByWeight {
				qty = 356
			}
			if err := cart.Add(found[0], qty); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(cart.Lines) < 3 {
		t.Fatalf("demo shop lacks the screenshot's items: %+v", cart.Lines)
	}
	if err := db.SaveCart(ctx, cart, false); err != nil {
		t.Fatal(err)
	}
}

func waitWindow(t *testing.T, display, name string) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		cmd := exec.Command("xdotool", "search", "--name", name)
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		if out, err := cmd.Output(); err == nil && strings.TrimSpace(string(out)) != "" {
			return strings.Fields(string(out))[0]
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no window named %q appeared on %s", name, display)
	return ""
}

func x(t *testing.T, display string, args ...string) {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// inspect counts the colours and dark pixels of a screenshot (every other
// pixel): a drawn window has many colours (anti-aliased text) and ink.
func inspect(t *testing.T, path string) (map[uint32]bool, int, int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	colours, dark := map[uint32]bool{}, 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[(r>>8)<<16|(g>>8)<<8|bl>>8] = true
			if r>>8 < 160 && g>>8 < 160 && bl>>8 < 160 {
				dark++
			}
		}
	}
	return colours, dark, (b.Dx() / 2) * (b.Dy() / 2)
}
