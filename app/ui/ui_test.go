package ui

import (
	"cmp"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	staffui "zhanggui/app/ui/staff"
	"zhanggui/hardware/printer/escpostest"
	"zhanggui/pos"
	"zhanggui/pos/ledger"
	"zhanggui/pos/money"
	"zhanggui/reports"
	"zhanggui/storage"
	"zhanggui/storage/storagetest"
)

// capture is a ReceiptSink that keeps what was printed.
type capture struct {
	mu   sync.Mutex
	jobs [][]byte
}

func (c *capture) Submit(job []byte) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.jobs = append(c.jobs, job)
	return len(c.jobs)
}

var testProducts = []pos.Product{
	{Barcode: "6901234567892", Name: "可口可乐 330ml", Category: "饮料", Unit: "瓶", Price: 300, Active: true, Stock: 100_000},
	{Barcode: "6902345678903", Name: "乐事薯片 70g", Category: "零食", Unit: "袋", Price: 750, MemberPrice: 650, Active: true},
	{Barcode: "2000001000007", Name: "红富士苹果", Category: "生鲜果蔬", Unit: "kg", Price: 1290, ByWeight: true, Active: true},
	{Barcode: "6903456789014", Name: "康师傅红烧牛肉面", Category: "方便食品", Unit: "桶", Price: 450, Active: true},
}

type fixture struct {
	db    *storage.DB
	app   *App
	win   fyne.Window
	print *capture
	now   time.Time
	log   io.Writer // the till's log; nil discards it
}

// newFixture opens a real SQLite shop with a few products and the screens
// on Fyne's headless test driver, logged in as the owner.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	test.NewTempApp(t)
	f := &fixture{db: newShopDB(t), print: &capture{}, now: time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)}
	f.app = f.open(t)
	return f
}

// newShopDB is a real SQLite shop with testProducts and a shop name.
func newShopDB(t *testing.T) *storage.DB {
	t.Helper()
	db := storagetest.NewDB(t)
	ctx := context.Background()
	if err := db.ImportProducts(ctx, testProducts); err != nil {
		t.Fatal(err)
	}
	st := pos.DefaultSettings()
	st.ShopName = "测试小店"
	if err := db.SaveSettings(ctx, st); err != nil {
		t.Fatal(err)
	}
	return db
}

// open opens the till on the fixture's shop, logged in as the owner.
func (f *fixture) open(t *testing.T) *App {
	t.Helper()
	a := f.openWith(t, staffui.Deps{Service: f.staffAuth(t)})
	loginAs(t, a, 1, ownerPIN) // 店主, the owner of a new database
	return a
}

// openWith opens the till with login, on its login (or first-run) screen.
func (f *fixture) openWith(t *testing.T, login staffui.Deps) *App {
	t.Helper()
	ctx := context.Background()
	ps, err := f.db.Products(ctx)
	if err != nil {
		t.Fatal(err)
	}
	staff, err := f.db.Staff(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	deps := Deps{Products: f.db, Sales: f.db, Carts: f.db, Settings: f.db, Catalog: pos.NewCatalog(ps),
		Staff: staff, Printer: f.print, Backup: f.db.Backup, PaymentStore: f.db,
		NewID: func() string {
			n++
			return strings.Repeat("0", 20) + time.Now().Format("150405") + string(rune('a'+n%26)) + string(rune('a'+n/26%26)) + "xxxx"[:4]
		},
		Now: func() time.Time { return f.now },
		Log: slog.New(slog.NewTextHandler(cmp.Or[io.Writer](f.log, io.Discard), nil)),
	}
	deps.Login = login
	f.win = test.NewTempWindow(t, nil)
	f.win.Resize(fyne.NewSize(1280, 720))
	a, err := New(deps, f.win)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// ownerPIN is the fixture owner's PIN.
const ownerPIN = "284716"

// staffAuth is the shop's staff service with cheap argon2 costs; a new
// shop's owner gets ownerPIN.
func (f *fixture) staffAuth(t *testing.T) *storage.StaffAuth {
	t.Helper()
	ctx := context.Background()
	auth, err := storage.NewStaffAuthParams(f.db, []byte("fixture pepper, 32 bytes long!!!"),
		storage.PINParams{MemoryKiB: 64, Time: 1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if need, err := auth.NeedsOwnerPIN(ctx); err != nil {
		t.Fatal(err)
	} else if need {
		if _, err := auth.SetFirstOwnerPIN(ctx, ownerPIN); err != nil {
			t.Fatal(err)
		}
	}
	return auth
}

// loginAs logs member id in on the login screen with pin, as the cashier
// taps their tile and types.
func loginAs(t *testing.T, a *App, id int64, pin string) {
	t.Helper()
	a.Login().Select(id)
	a.Login().TypePIN(pin)
	if a.Locked() || a.Who().ID != id {
		t.Fatalf("login as %d: still locked (%q)", id, a.Login().Message())
	}
}

// scan types a code into the scan field and presses Enter, as a barcode gun does.
func (f *fixture) scan(code string) {
	c := f.app.checkout
	test.Type(c.scan, code)
	c.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

func (f *fixture) key(k fyne.KeyName) { f.app.checkout.scan.TypedKey(&fyne.KeyEvent{Name: k}) }

func TestRingUpByBarcodeAndPayCash(t *testing.T) {
	f := newFixture(t)
	c := f.app.checkout
	f.scan("6901234567892")
	f.scan("6901234567892") // same item again: quantity 2
	f.scan("6903456789014")
	if len(c.cart.Lines) != 2 || c.cart.Lines[0].Qty != 2000 {
		t.Fatalf("lines = %+v", c.cart.Lines)
	}
	if got := c.total.Text; got != "¥10.50" {
		t.Errorf("total shows %q, want ¥10.50", got)
	}
	f.key(fyne.KeyF12)
	if f.app.pay == nil {
		t.Fatal("F12 opened no cash dialog")
	}
	test.Type(f.app.pay.received, "20")
	if got := f.app.pay.change.Text; !strings.Contains(got, "¥9.50") {
		t.Errorf("change while typing = %q", got)
	}
	f.app.pay.received.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if f.app.pay != nil {
		t.Fatalf("dialog still open: %s", f.app.pay.msg.Text)
	}
	if got := c.change.Text; !strings.Contains(got, "¥9.50") {
		t.Errorf("change shown %q, want ¥9.50", got)
	}
	sale, err := f.db.LastSale(context.Background())
	if err != nil || sale == nil {
		t.Fatalf("last sale: %v, %v", sale, err)
	}
	if sale.Total != 1050 || sale.Change() != 950 || len(sale.Lines) != 2 || sale.Tenders[0].Received != 2000 {
		t.Errorf("saved sale = %+v", sale)
	}
	bal, err := f.db.TrialBalance(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if bal[ledger.Cash] != 1050 || bal[ledger.Revenue] != -1050 {
		t.Errorf("trial balance %v", bal)
	}
	if len(f.print.jobs) != 1 {
		t.Fatalf("printed %d receipts", len(f.print.jobs))
	}
	if len(c.cart.Lines) != 0 {
		t.Error("cart not cleared after the sale")
	}
}

func TestPinyinSearchQuantityAndWeight(t *testing.T) {
	f := newFixture(t)
	c := f.app.checkout
	test.Type(c.scan, "kkl")
	if len(c.results) != 1 || c.results[0].Name != "可口可乐 330ml" {
		t.Fatalf("search kkl = %+v", c.results)
	}
	c.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(c.cart.Lines) != 1 {
		t.Fatalf("Enter on a result added %d lines", len(c.cart.Lines))
	}
	// full pinyin, then a quantity change through F3
	c.scan.SetText("")
	test.Type(c.scan, "shupian")
	c.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	f.key(fyne.KeyF3)
	if f.app.ask == nil {
		t.Fatal("F3 opened no dialog")
	}
	f.app.ask.entry.SetText("")
	test.Type(f.app.ask.entry, "3")
	f.app.ask.submit()
	if c.cart.Lines[1].Qty != 3000 {
		t.Errorf("qty = %v", c.cart.Lines[1].Qty)
	}
	// a weighed item typed with its weight
	f.scan("0.356*2000001000007")
	if l := c.cart.Lines[2]; l.Qty != 356 {
		t.Errorf("apple qty = %v", l.Qty)
	}
	// 3.00 + 3×7.50 + 0.356×12.90 (4.59) = 30.09
	if got := c.total.Text; got != "¥30.09" {
		t.Errorf("total = %q", got)
	}
	// + and - step the selected line
	c.onRune('+')
	if c.cart.Lines[2].Qty != 1356 {
		t.Errorf("after + qty = %v", c.cart.Lines[2].Qty)
	}
}

func TestUnknownAndMisreadCodes(t *testing.T) {
	f := newFixture(t)
	c := f.app.checkout
	f.scan("6909999999996")
	if !strings.Contains(c.msg.Text, "商品不存在") {
		t.Errorf("unknown item message %q", c.msg.Text)
	}
	c.scan.SetText("")
	f.scan("6901234567893") // bad check digit
	if !strings.Contains(c.msg.Text, "校验位") {
		t.Errorf("bad check digit message %q", c.msg.Text)
	}
	if len(c.cart.Lines) != 0 {
		t.Error("a bad code added a line")
	}
}

func TestDiscountsRoundingAndLedger(t *testing.T) {
	f := newFixture(t)
	st, _ := f.db.Settings(context.Background())
	st.CashRounding = pos.RoundJiao
	if err := f.db.SaveSettings(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	f.app = f.open(t)
	c := f.app.checkout
	f.scan("6902345678903")
	f.scan("0.356*2000001000007") // 7.50 + 4.59
	c.selected = 0
	f.key(fyne.KeyF4)
	test.Type(f.app.ask.entry, "10%") // 0.75 off the chips
	f.app.ask.submit()
	f.key(fyne.KeyF5)
	test.Type(f.app.ask.entry, "1") // ¥1 off the order
	f.app.ask.submit()
	// 12.09 − 0.75 − 1.00 = 10.34; cash rounding to the jiao takes 0.04
	f.key(fyne.KeyF12)
	if f.app.pay.due != 1030 || f.app.pay.rounding != 4 {
		t.Fatalf("due %v rounding %v", f.app.pay.due, f.app.pay.rounding)
	}
	f.app.pay.received.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // exact
	sale, err := f.db.LastSale(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	bal := ledger.Balances([]ledger.Entry{sale.Entry})
	want := map[ledger.Account]money.Fen{ledger.Cash: 1030, ledger.Discounts: 175, ledger.Rounding: 4, ledger.Revenue: -1209}
	for a, w := range want {
		if bal[a] != w {
			t.Errorf("%s = %v, want %v", a, bal[a], w)
		}
	}
}

func TestHoldResumeAndRestart(t *testing.T) {
	f := newFixture(t)
	f.scan("6901234567892")
	f.key(fyne.KeyF6) // hold
	if len(f.app.checkout.cart.Lines) != 0 {
		t.Fatal("hold kept the lines")
	}
	f.scan("6903456789014") // a sale in progress when the till restarts
	f.app = f.open(t)
	c := f.app.checkout
	if len(c.cart.Lines) != 1 || c.cart.Lines[0].Barcode != "6903456789014" {
		t.Fatalf("after restart the cart is %+v", c.cart.Lines)
	}
	held, err := f.db.HeldCarts(context.Background())
	if err != nil || len(held) != 1 {
		t.Fatalf("held = %v, %v", held, err)
	}
	c.resume(held[0]) // holds the current sale, resumes the cola
	if len(c.cart.Lines) != 1 || c.cart.Lines[0].Barcode != "6901234567892" {
		t.Fatalf("resumed %+v", c.cart.Lines)
	}
	held, _ = f.db.HeldCarts(context.Background())
	if len(held) != 1 || held[0].Lines[0].Barcode != "6903456789014" {
		t.Errorf("the other sale should now be held: %+v", held)
	}
}

func TestOrdersScreenFindsSale(t *testing.T) {
	f := newFixture(t)
	f.scan("6901234567892")
	f.key(fyne.KeyF12)
	f.app.pay.received.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	o := f.app.orders
	if len(o.shown) != 1 {
		t.Fatalf("orders shown %d", len(o.shown))
	}
	test.Type(o.search, "3.00")
	if len(o.shown) != 1 {
		t.Errorf("search by amount found %d", len(o.shown))
	}
	o.search.SetText("")
	test.Type(o.search, "99.99")
	if len(o.shown) != 0 {
		t.Errorf("search by a wrong amount found %d", len(o.shown))
	}
	o.search.SetText("")
	o.open(o.shown[0])
	for _, want := range []string{"可口可乐", "借", "1001.cash", "6001.sales", o.shown[0].No} {
		if !strings.Contains(o.detail.Text, want) {
			t.Errorf("order detail lacks %q:\n%s", want, o.detail.Text)
		}
	}
	jobs := len(f.print.jobs)
	o.picked = o.shown[0]
	if err := f.app.printReceipt(o.picked); err != nil || len(f.print.jobs) != jobs+1 {
		t.Errorf("reprint: %v, jobs %d", err, len(f.print.jobs))
	}
	doc, err := escpostest.Decode(f.print.jobs[len(f.print.jobs)-1])
	if err != nil {
		t.Fatal(err)
	}
	if txt := doc.Text(); !strings.Contains(txt, "可口可乐") || !strings.Contains(txt, "测试小店") {
		t.Errorf("receipt text lacks the item or shop:\n%s", txt)
	}
}

func TestProductEditAndImportErrors(t *testing.T) {
	f := newFixture(t)
	p := f.app.products
	p.show()
	p.edit(pos.Product{Active: true, Unit: "个"})
	p.form.barcode.SetText("6904567890125")
	p.form.name.SetText("新商品")
	p.form.price.SetText("abc")
	if err := p.save(p.form); err == nil {
		t.Fatal("a bad price was saved")
	}
	p.form.price.SetText("2.50")
	if err := p.save(p.form); err != nil {
		t.Fatalf("save: %v (%s)", err, p.form.msg.Text)
	}
	if _, err := f.app.deps.Catalog.ByBarcode("6904567890125"); err != nil {
		t.Errorf("the counter does not know the new product: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	csv := "条码,名称,分类,单位,售价\n6905678901236,好商品,饮料,瓶,3.00\n6905678901230,坏条码,饮料,瓶,3.00\n6906789012347,,饮料,瓶,-1\n"
	if err := os.WriteFile(bad, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	f.app.deps.ImportProducts = reports.ImportProductsFile
	if err := p.importFile(bad); err == nil {
		t.Fatal("a file with bad rows imported")
	}
	if !strings.Contains(p.msg.Text, "3") || !strings.Contains(p.msg.Text, "4") {
		t.Errorf("import message does not name the rows: %s", p.msg.Text)
	}
	if _, err := f.app.deps.Catalog.ByBarcode("6905678901236"); err == nil {
		t.Error("the good row of a bad file was imported")
	}
}

func TestSettingsLanguageAndValidation(t *testing.T) {
	f := newFixture(t)
	s := f.app.setup
	s.paper.SetSelected(T("80 mm"))
	s.language.SetSelected("English")
	if err := s.save(); err != nil {
		t.Fatal(err)
	}
	defer SetLanguage("zh")
	if got := f.app.tabs.Items[0].Text; got != "Checkout" {
		t.Errorf("first tab in English = %q", got)
	}
	st, _ := f.db.Settings(context.Background())
	if st.PaperWidth != 80 || st.Language != "en" {
		t.Errorf("saved settings %+v", st)
	}
	f.app.setup.storeCode.SetText("1")
	if err := f.app.setup.save(); err == nil {
		t.Error("a one-digit store code was accepted")
	}
}

// TestTranslationsComplete checks that every literal passed to T or Tf in
// the screens has a Chinese translation.
func TestTranslationsComplete(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`(?:\bTf?\(|keyButton\("[^"]*", )"((?:[^"\\]|\\.)*)"`)
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			if !hasZh(m[1]) {
				t.Errorf("%s: no Chinese for %q", name, m[1])
			}
		}
	}
	for _, m := range sentinelMessages {
		if !hasZh(m.msg) {
			t.Errorf("no Chinese for %q", m.msg)
		}
	}
	for _, k := range stateNames {
		if !hasZh(k) {
			t.Errorf("no Chinese for payment state %q", k)
		}
	}
	for _, cs := range [][]choice{printerKinds, paperWidths, roundings} {
		for _, c := range cs {
			if !hasZh(c.label) {
				t.Errorf("no Chinese for choice %q", c.label)
			}
		}
	}
	for _, k := range tenderNames {
		if !hasZh(k) {
			t.Errorf("no Chinese for tender %q", k)
		}
	}
}

// TestScanIntoDialogGoesToCounter: the barcode gun fires while the quantity
// dialog has the focus; the code goes to the cart, not into the quantity.
func TestScanIntoDialogGoesToCounter(t *testing.T) {
	f := newFixture(t)
	f.scan("6901234567892")
	f.key(fyne.KeyF3)
	e := f.app.ask.entry
	e.SetText("")
	test.Type(e, "6903456789014") // a burst, as fast as a scanner types
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	c := f.app.checkout.cart
	if len(c.Lines) != 2 || c.Lines[1].Barcode != "6903456789014" || c.Lines[0].Qty != pos.OnePiece {
		t.Errorf("after a scan into the quantity dialog: %+v", c.Lines)
	}
}

func TestCategoryRenameAndDeactivate(t *testing.T) {
	f := newFixture(t)
	p := f.app.products
	p.show()
	if err := f.db.AddCategory(context.Background(), "日用百货"); err != nil {
		t.Fatal(err)
	}
	cats, _ := f.db.Categories(context.Background())
	if !slices.Contains(cats, "日用百货") {
		t.Errorf("categories %v", cats)
	}
	if err := p.changeCategory("饮料", func(pr *pos.Product) { pr.Category = "酒水饮料" }); err != nil {
		t.Fatal(err)
	}
	cola, err := f.app.deps.Catalog.ByBarcode("6901234567892")
	if err != nil || cola.Category != "酒水饮料" {
		t.Errorf("after rename: %+v, %v", cola, err)
	}
	if err := p.changeCategory("零食", func(pr *pos.Product) { pr.Active = false }); err != nil {
		t.Fatal(err)
	}
	if _, err := f.app.deps.Catalog.ByBarcode("6902345678903"); !errors.Is(err, pos.ErrInactive) {
		t.Errorf("a product of a category taken off sale still sells: %v", err)
	}
	if pos.ValidateCategory("  ") == nil {
		t.Error("a blank category was accepted")
	}
}
