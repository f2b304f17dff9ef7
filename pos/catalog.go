package pos

import (
	"sort"
	"strings"
	"unicode/utf8"

	"zhanggui/pos/money"
)

// Product is one item of the catalogue.
type Product struct {
	ID          int64
	Barcode     string // EAN-13 or the shop's own code; unique
	Name        string // 可口可乐 330ml
	Pinyin      string // full pinyin, lower case, no spaces: kekoukele330ml
	Initials    string // pinyin initials, lower case: kkkl330ml
	Category    string // 饮料
	Unit        string // 瓶, kg
	Price       money.Fen
	MemberPrice money.Fen // 0: members pay Price
	ByWeight    bool      // sold by weight: quantities may have decimals
	Active      bool
	Stock       Qty // on hand, in thousandths of Unit
}

// Validate checks the rules every stored product keeps.
func (p *Product) Validate() error {
	if _, _, err := ParseBarcode(p.Barcode); err != nil {
		return Errorf(CodeInvalid, "pos: product %q: %w", p.Name, err)
	}
	switch {
	case strings.TrimSpace(p.Name) == "" || utf8.RuneCountInString(p.Name) > 60:
		return Errorf(CodeInvalid, "pos: product %s: name must have 1 to 60 characters", p.Barcode)
	case p.Price <= 0 || p.Price > money.MaxFen:
		return Errorf(CodeInvalid, "pos: product %s: price must be positive", p.Barcode)
	case p.MemberPrice < 0 || p.MemberPrice > p.Price:
		return Errorf(CodeInvalid, "pos: product %s: member price must be between 0 and the price", p.Barcode)
	case strings.TrimSpace(p.Unit) == "":
		return Errorf(CodeInvalid, "pos: product %s: unit is required", p.Barcode)
	}
	return nil
}

// Catalog is an in-memory index of the catalogue for the counter: lookups
// by barcode and search as you type, fast for 100,000 products.
type Catalog struct {
	byBarcode map[string]int
	items     []Product
	keys      []string // lower-case name, pinyin and initials joined by \x00
}

// NewCatalog indexes products (active or not; searches return active ones).
func NewCatalog(products []Product) *Catalog {
	c := &Catalog{byBarcode: make(map[string]int, len(products))}
	for _, p := range products {
		c.Put(p)
	}
	return c
}

// Put adds or replaces a product.
func (c *Catalog) Put(p Product) {
	key := strings.ToLower(p.Name) + "\x00" + p.Pinyin + "\x00" + p.Initials + "\x00" + strings.ToLower(p.Barcode)
	if i, ok := c.byBarcode[p.Barcode]; ok {
		c.items[i], c.keys[i] = p, key
		return
	}
	c.byBarcode[p.Barcode] = len(c.items)
	c.items = append(c.items, p)
	c.keys = append(c.keys, key)
}

// Len returns the number of products indexed.
func (c *Catalog) Len() int { return len(c.items) }

// ByBarcode finds the active product with the code.
func (c *Catalog) ByBarcode(code string) (Product, error) {
	norm, _, err := ParseBarcode(code)
	if err != nil {
		return Product{}, err
	}
	i, ok := c.byBarcode[norm]
	if !ok {
		return Product{}, Errorf(CodeNotFound, "pos: barcode %s: %w", norm, ErrUnknownItem)
	}
	if !c.items[i].Active {
		return Product{}, Errorf(CodeInvalid, "pos: barcode %s: %w", norm, ErrInactive)
	}
	return c.items[i], nil
}

// Search returns up to limit active products whose name, full pinyin,
// pinyin initials or barcode contain q (case-insensitive). Prefix matches come
// first, then the rest in catalogue order.
func (c *Catalog) Search(q string, limit int) []Product {
	q = strings.ToLower(strings.Join(strings.Fields(q), ""))
	if q == "" || limit <= 0 {
		return nil
	}
	var prefix, other []int
	for i, key := range c.keys {
		if !c.items[i].Active {
			continue
		}
		at := strings.Index(key, q)
		if at < 0 {
			continue
		}
		if at == 0 || key[at-1] == 0 {
			prefix = append(prefix, i)
			if len(prefix) >= limit {
				break
			}
		} else if len(other) < limit {
			other = append(other, i)
		}
	}
	out := make([]Product, 0, limit)
	for _, i := range append(prefix, other...) {
		if len(out) == limit {
			break
		}
		out = append(out, c.items[i])
	}
	return out
}

// All returns every product, sorted by category then name.
func (c *Catalog) All() []Product {
	out := append([]Product(nil), c.items...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Category != out[j].Category {
			return out[i].Category < out[j].Category
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// ValidateCategory checks a category name: 1 to 20 characters, not blank.
func ValidateCategory(name string) error {
	if strings.TrimSpace(name) == "" || utf8.RuneCountInString(name) > 20 {
		return Errorf(CodeInvalid, "pos: category %q must have 1 to 20 characters", name)
	}
	return nil
}
