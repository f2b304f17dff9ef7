-- 0001_init: the first schema of 掌柜. A shipped migration is never edited;
-- changes go in a new file with the next number.
--
-- Rules kept by every table: STRICT (no REAL slips into an amount); amounts
-- are INTEGER *_fen, quantities INTEGER *_milli (thousandths of a unit);
-- times are UTC RFC 3339 text with nine fractional digits, so they sort as
-- text; money rows are never updated or deleted (the triggers below).
--
-- A sale writes about a dozen pages, and each costs two writes at every
-- commit: tables keyed by what identifies a row are WITHOUT ROWID (no
-- second b-tree for the key), and an index is added when a query needs it,
-- not before.

CREATE TABLE categories (
	name       TEXT NOT NULL PRIMARY KEY CHECK (name <> ''),
	created_at TEXT NOT NULL
) STRICT;

CREATE TABLE products (
	id               INTEGER PRIMARY KEY,
	barcode          TEXT NOT NULL UNIQUE CHECK (barcode <> ''),
	name             TEXT NOT NULL CHECK (trim(name) <> ''),
	pinyin           TEXT NOT NULL,
	initials         TEXT NOT NULL,
	category         TEXT REFERENCES categories(name) ON UPDATE CASCADE, -- NULL: none
	unit             TEXT NOT NULL CHECK (unit <> ''),
	price_fen        INTEGER NOT NULL CHECK (price_fen > 0),
	member_price_fen INTEGER NOT NULL CHECK (member_price_fen BETWEEN 0 AND price_fen),
	by_weight        INTEGER NOT NULL CHECK (by_weight IN (0, 1)),
	active           INTEGER NOT NULL CHECK (active IN (0, 1)),
	stock_milli      INTEGER NOT NULL, -- Σ stock_moves.delta_milli; may go below zero
	updated_at       TEXT NOT NULL
) STRICT;

CREATE TABLE staff (
	id   INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE CHECK (name <> ''),
	role TEXT NOT NULL CHECK (role IN ('owner', 'cashier'))
) STRICT;

INSERT INTO staff (name, role) VALUES ('店主', 'owner'), ('收银员', 'cashier');

CREATE TABLE settings (
	id         INTEGER PRIMARY KEY CHECK (id = 1), -- one row: the shop's settings
	json       TEXT NOT NULL CHECK (json_valid(json)),
	updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE journal_entries (
	id   TEXT NOT NULL PRIMARY KEY CHECK (id <> ''),
	at   TEXT NOT NULL,
	ref  TEXT NOT NULL, -- what caused it: a sale or refund ID
	memo TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX journal_entries_at ON journal_entries (at);

CREATE TABLE postings (
	entry_id   TEXT NOT NULL REFERENCES journal_entries(id),
	line_no    INTEGER NOT NULL CHECK (line_no >= 0),
	account    TEXT NOT NULL CHECK (account <> ''),
	debit_fen  INTEGER NOT NULL CHECK (debit_fen >= 0),
	credit_fen INTEGER NOT NULL CHECK (credit_fen >= 0),
	CHECK ((debit_fen > 0) + (credit_fen > 0) = 1), -- exactly one side: the direction is the column
	PRIMARY KEY (entry_id, line_no)
) STRICT, WITHOUT ROWID;

CREATE TABLE sales (
	id           TEXT NOT NULL PRIMARY KEY CHECK (id <> ''),
	no           TEXT NOT NULL UNIQUE CHECK (no <> ''),
	at           TEXT NOT NULL,
	business_day TEXT NOT NULL, -- YYYY-MM-DD in the shop's time zone
	cashier      TEXT NOT NULL,
	training     INTEGER NOT NULL CHECK (training IN (0, 1)),
	subtotal_fen INTEGER NOT NULL CHECK (subtotal_fen >= 0),
	discount_fen INTEGER NOT NULL CHECK (discount_fen >= 0),
	rounding_fen INTEGER NOT NULL CHECK (rounding_fen >= 0),
	total_fen    INTEGER NOT NULL CHECK (total_fen >= 0),
	-- deferred: SaveSale writes the sale first, so a repeated sale ID is the
	-- first thing refused
	entry_id     TEXT NOT NULL UNIQUE REFERENCES journal_entries(id) DEFERRABLE INITIALLY DEFERRED,
	CHECK (subtotal_fen - discount_fen - rounding_fen = total_fen)
) STRICT, WITHOUT ROWID;
CREATE INDEX sales_at ON sales (at);

CREATE TABLE sale_lines (
	sale_id        TEXT NOT NULL REFERENCES sales(id),
	line_no        INTEGER NOT NULL CHECK (line_no >= 0),
	product_id     INTEGER NOT NULL, -- a snapshot: 0 for an item outside the catalogue
	barcode        TEXT NOT NULL,
	name           TEXT NOT NULL,
	unit           TEXT NOT NULL,
	category       TEXT NOT NULL,
	qty_milli      INTEGER NOT NULL CHECK (qty_milli > 0),
	unit_price_fen INTEGER NOT NULL CHECK (unit_price_fen >= 0),
	gross_fen      INTEGER NOT NULL CHECK (gross_fen >= 0),
	discount_fen   INTEGER NOT NULL CHECK (discount_fen >= 0),
	amount_fen     INTEGER NOT NULL CHECK (amount_fen >= 0),
	CHECK (gross_fen - discount_fen = amount_fen),
	PRIMARY KEY (sale_id, line_no)
) STRICT, WITHOUT ROWID;

CREATE TABLE tenders (
	sale_id      TEXT NOT NULL REFERENCES sales(id),
	line_no      INTEGER NOT NULL CHECK (line_no >= 0),
	kind         TEXT NOT NULL CHECK (kind IN
	             ('cash', 'alipay', 'wechat', 'unionpay', 'ecny', 'card', 'stored_value')),
	amount_fen   INTEGER NOT NULL CHECK (amount_fen >= 0),
	received_fen INTEGER NOT NULL CHECK (received_fen >= 0),
	change_fen   INTEGER NOT NULL CHECK (change_fen >= 0),
	payment_id   TEXT NOT NULL,
	ref          TEXT NOT NULL,
	-- only cash gives change; what is recorded of cash adds up
	CHECK (kind = 'cash' OR (received_fen = 0 AND change_fen = 0)),
	CHECK (received_fen = 0 AND change_fen = 0 OR received_fen - amount_fen = change_fen),
	PRIMARY KEY (sale_id, line_no)
) STRICT, WITHOUT ROWID;

CREATE TABLE stock_moves (
	id          INTEGER PRIMARY KEY,
	product_id  INTEGER NOT NULL REFERENCES products(id),
	sale_id     TEXT REFERENCES sales(id),
	reason      TEXT NOT NULL CHECK (reason IN ('initial', 'sale', 'adjust', 'refund')),
	delta_milli INTEGER NOT NULL CHECK (delta_milli <> 0),
	at          TEXT NOT NULL,
	CHECK (reason <> 'sale' OR sale_id IS NOT NULL)
) STRICT;

-- products.stock_milli is the sum of the product's moves, kept so by the
-- database itself: a move cannot be recorded without being applied.
CREATE TRIGGER stock_moves_apply AFTER INSERT ON stock_moves
BEGIN UPDATE products SET stock_milli = stock_milli + NEW.delta_milli WHERE id = NEW.product_id; END;

-- Order numbers: one counter per business day, store and till. A number is
-- committed before it is used, so a crash may skip one but never reuses it.
CREATE TABLE sale_seq (
	business_day TEXT NOT NULL,
	store        TEXT NOT NULL,
	till         TEXT NOT NULL,
	last_seq     INTEGER NOT NULL CHECK (last_seq > 0),
	PRIMARY KEY (business_day, store, till)
) STRICT;

-- The sale in progress and held (挂单) sales: pos.Cart as JSON.
CREATE TABLE carts (
	id         TEXT NOT NULL PRIMARY KEY CHECK (id <> ''),
	held       INTEGER NOT NULL CHECK (held IN (0, 1)),
	note       TEXT NOT NULL,
	json       TEXT NOT NULL CHECK (json_valid(json)),
	seq        INTEGER NOT NULL, -- order of saving: the newest open cart is the current one
	updated_at TEXT NOT NULL
) STRICT;

-- Append only: a mistake in money is corrected by a new, reversing record,
-- so history keeps both. Not even a hand-edit with the sqlite3 shell slips
-- past these.
CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal_entries are append-only'); END;
CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal_entries are append-only'); END;
CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings
BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;
CREATE TRIGGER sales_no_update BEFORE UPDATE ON sales
BEGIN SELECT RAISE(ABORT, 'sales are append-only'); END;
CREATE TRIGGER sales_no_delete BEFORE DELETE ON sales
BEGIN SELECT RAISE(ABORT, 'sales are append-only'); END;
CREATE TRIGGER sale_lines_no_update BEFORE UPDATE ON sale_lines
BEGIN SELECT RAISE(ABORT, 'sale_lines are append-only'); END;
CREATE TRIGGER sale_lines_no_delete BEFORE DELETE ON sale_lines
BEGIN SELECT RAISE(ABORT, 'sale_lines are append-only'); END;
CREATE TRIGGER tenders_no_update BEFORE UPDATE ON tenders
BEGIN SELECT RAISE(ABORT, 'tenders are append-only'); END;
CREATE TRIGGER tenders_no_delete BEFORE DELETE ON tenders
BEGIN SELECT RAISE(ABORT, 'tenders are append-only'); END;
CREATE TRIGGER stock_moves_no_update BEFORE UPDATE ON stock_moves
BEGIN SELECT RAISE(ABORT, 'stock_moves are append-only'); END;
CREATE TRIGGER stock_moves_no_delete BEFORE DELETE ON stock_moves
BEGIN SELECT RAISE(ABORT, 'stock_moves are append-only'); END;
