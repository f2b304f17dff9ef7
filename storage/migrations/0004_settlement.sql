-- 0004_settlement: the providers' settlement bills as received, and the
-- reconciliation of each day against the till's records.

-- Reconciliation reads payments and refunds by time and by payment, and
-- finds the sale a payment paid by its tender.
CREATE INDEX payments_created ON payments (created_at);
CREATE INDEX refunds_at ON refunds (at);
CREATE INDEX refunds_payment ON refunds (payment_id) WHERE payment_id <> '';
CREATE INDEX tenders_payment ON tenders (payment_id) WHERE payment_id <> '';

-- One provider bill of one channel and Beijing-time day, with its rows.
-- A bill is what the provider said: it is never changed; a corrected or
-- re-downloaded bill is a new one, and the latest of a day is the one used.
-- The same file imported twice is kept once (sha256).
CREATE TABLE bills (
	id          INTEGER PRIMARY KEY,
	channel     TEXT NOT NULL CHECK (channel IN ('alipay', 'wechat', 'acquirer')),
	day         TEXT NOT NULL,                  -- YYYY-MM-DD, Beijing time
	source      TEXT NOT NULL CHECK (source <> ''), -- 'download' or the imported file's name
	sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
	row_count   INTEGER NOT NULL CHECK (row_count >= 0),
	imported_at TEXT NOT NULL,
	UNIQUE (channel, day, sha256)
) STRICT;
CREATE INDEX bills_day ON bills (channel, day);

CREATE TABLE bill_rows (
	bill_id       INTEGER NOT NULL REFERENCES bills(id),
	line_no       INTEGER NOT NULL CHECK (line_no >= 0),
	provider      TEXT NOT NULL,
	kind          TEXT NOT NULL CHECK (kind IN ('payment', 'refund', 'reversal')),
	out_trade_no  TEXT NOT NULL,
	trade_no      TEXT NOT NULL,
	out_refund_no TEXT NOT NULL,
	amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
	fee_fen       INTEGER NOT NULL, -- > 0 charged, < 0 given back
	at            TEXT NOT NULL,
	PRIMARY KEY (bill_id, line_no)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER bills_no_update BEFORE UPDATE ON bills
BEGIN SELECT RAISE(ABORT, 'bills are append-only'); END;
CREATE TRIGGER bills_no_delete BEFORE DELETE ON bills
BEGIN SELECT RAISE(ABORT, 'bills are append-only'); END;
CREATE TRIGGER bill_rows_no_update BEFORE UPDATE ON bill_rows
BEGIN SELECT RAISE(ABORT, 'bill_rows are append-only'); END;
CREATE TRIGGER bill_rows_no_delete BEFORE DELETE ON bill_rows
BEGIN SELECT RAISE(ABORT, 'bill_rows are append-only'); END;

-- The latest reconciliation of each day. These rows are derived from the
-- bills and the till's records, so a re-run replaces them; what people
-- wrote about them (recon_resolutions) is kept apart and never replaced.
CREATE TABLE recon_days (
	day              TEXT NOT NULL PRIMARY KEY,
	ran_at           TEXT NOT NULL,
	cash_in_fen      INTEGER NOT NULL CHECK (cash_in_fen >= 0),  -- Σ debits of the drawer (1001.cash)
	cash_out_fen     INTEGER NOT NULL CHECK (cash_out_fen >= 0), -- Σ credits of the drawer
	counted_cash_fen INTEGER                                     -- NULL until shifts count the drawer
) STRICT, WITHOUT ROWID;

CREATE TABLE recon_channels (
	day               TEXT NOT NULL REFERENCES recon_days(day),
	seq               INTEGER NOT NULL, -- the order channels are shown in
	channel           TEXT NOT NULL,
	have_bill         INTEGER NOT NULL CHECK (have_bill IN (0, 1)),
	bill_id           INTEGER,          -- the bill used; NULL when there was none
	fee_rate_bp       INTEGER NOT NULL CHECK (fee_rate_bp BETWEEN 0 AND 10000),
	payments          INTEGER NOT NULL,
	refunds           INTEGER NOT NULL,
	gross_fen         INTEGER NOT NULL,
	refunded_fen      INTEGER NOT NULL,
	fees_charged_fen  INTEGER NOT NULL,
	fees_returned_fen INTEGER NOT NULL,
	till_payments     INTEGER NOT NULL,
	till_refunds      INTEGER NOT NULL,
	till_gross_fen    INTEGER NOT NULL,
	till_refunded_fen INTEGER NOT NULL,
	expected_fees_fen INTEGER NOT NULL,
	differences       INTEGER NOT NULL,
	urgent            INTEGER NOT NULL,
	PRIMARY KEY (day, channel)
) STRICT, WITHOUT ROWID;

CREATE TABLE recon_items (
	day              TEXT NOT NULL REFERENCES recon_days(day),
	seq              INTEGER NOT NULL,
	channel          TEXT NOT NULL,
	key              TEXT NOT NULL CHECK (key <> ''), -- the stable difference key
	status           TEXT NOT NULL,
	kind             TEXT NOT NULL,
	difference       INTEGER NOT NULL CHECK (difference IN (0, 1)),
	urgent           INTEGER NOT NULL CHECK (urgent IN (0, 1)),
	provider         TEXT NOT NULL,
	out_trade_no     TEXT NOT NULL,
	out_refund_no    TEXT NOT NULL,
	trade_no         TEXT NOT NULL,
	sale_no          TEXT NOT NULL,
	on_bill          INTEGER NOT NULL CHECK (on_bill IN (0, 1)),
	in_till          INTEGER NOT NULL CHECK (in_till IN (0, 1)),
	bill_amount_fen  INTEGER NOT NULL,
	till_amount_fen  INTEGER NOT NULL,
	bill_fee_fen     INTEGER NOT NULL,
	expected_fee_fen INTEGER NOT NULL,
	bill_at          TEXT NOT NULL, -- '' when not on the bill
	till_at          TEXT NOT NULL, -- '' when not in the till
	line_no          INTEGER NOT NULL,
	PRIMARY KEY (day, seq)
) STRICT, WITHOUT ROWID;
CREATE INDEX recon_items_key ON recon_items (key) WHERE difference = 1;

-- Who explained a difference, when and why. Append-only: a second note on
-- the same key is a new row, and the latest is the one shown.
CREATE TABLE recon_resolutions (
	id   INTEGER PRIMARY KEY,
	key  TEXT NOT NULL CHECK (key <> ''),
	who  TEXT NOT NULL CHECK (trim(who) <> ''),
	note TEXT NOT NULL CHECK (trim(note) <> ''),
	at   TEXT NOT NULL
) STRICT;
CREATE INDEX recon_resolutions_key ON recon_resolutions (key);
CREATE TRIGGER recon_resolutions_no_update BEFORE UPDATE ON recon_resolutions
BEGIN SELECT RAISE(ABORT, 'recon_resolutions are append-only'); END;
CREATE TRIGGER recon_resolutions_no_delete BEFORE DELETE ON recon_resolutions
BEGIN SELECT RAISE(ABORT, 'recon_resolutions are append-only'); END;
