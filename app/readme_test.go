package app

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"zhanggui/pos"
)

// TestReadmeExamplesWorkInTheDemo types every example of the READMEs' key
// tables (the `…` in a row of "| key | does |") into the demo shop's
// catalogue, as a newcomer would at the counter: a code must be a product,
// a weight must go with a weighed product, a discount or an amount must
// parse, and a search must find something.
func TestReadmeExamplesWorkInTheDemo(t *testing.T) {
	db, err := openShop(context.Background(), t.TempDir(), true) // the demo shop, as make run opens it
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cat, err := loadCatalog(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	for _, readme := range []string{"README.md", "README.zh-CN.md"} {
		examples := keyTableExamples(t, filepath.Join("..", readme))
		if len(examples) < 5 {
			t.Fatalf("%s: %d examples in the key table; is the table still there?", readme, len(examples))
		}
		for _, ex := range examples {
			if err := tryAtCounter(cat, ex); err != nil {
				t.Errorf("%s: the example `%s` fails in the demo shop: %v", readme, ex, err)
			}
		}
	}
}

// keyTableExamples returns the `…` spans in the rows of the table whose
// header starts "| key" or "| 按键".
func keyTableExamples(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	inTable := false
	for _, line := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(line, "| key ") || strings.HasPrefix(line, "| 按键 "):
			inTable = true
		case !strings.HasPrefix(line, "|"):
			inTable = false
		case inTable:
			for _, m := range backticked.FindAllStringSubmatch(line, -1) {
				out = append(out, m[1])
			}
		}
	}
	return out
}

var (
	backticked = regexp.MustCompile("`([^`]+)`")
	// a code, optionally after a quantity: 6901234567892, 3*6901234567892
	codeExample = regexp.MustCompile(`^([0-9.]+[*xX×])?[0-9]{8,14}$`)
)

// tryAtCounter does with ex what the checkout does with typed text.
func tryAtCounter(cat *pos.Catalog, ex string) error {
	if codeExample.MatchString(ex) {
		code, qty := pos.SplitQty(ex)
		p, err := cat.ByBarcode(code)
		if err != nil {
			return err
		}
		if weighed := qty%pos.OnePiece != 0; weighed && !p.ByWeight {
			return pos.Errorf(pos.CodeInvalid, "%s (%s) is not sold by weight", p.Name, code)
		}
		return nil
	}
	if _, err := pos.ParseDiscount(ex); err == nil { // 10%, 9折, 5 (yuan off), 20 (an amount)
		return nil
	}
	if found := cat.Search(ex, 8); len(found) == 0 {
		return pos.Errorf(pos.CodeNotFound, "searching %q finds nothing", ex)
	}
	return nil
}
