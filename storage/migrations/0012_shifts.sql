-- 0012_shifts: shifts (交班), cash moves, Z reports (日结), and the shift each
-- sale and each journal entry was made in.
--
-- A shift row is written at the open and completed once at the close; after
-- that only its Z number may be set, once. At most one shift is open at a
-- time (one database is one till). Cash moves and Z reports are append-only.

CREATE TABLE shifts (
	id             TEXT NOT NULL PRIMARY KEY CHECK (id <> ''),
	no             INTEGER NOT NULL UNIQUE CHECK (no > 0), -- never reset
	till           TEXT NOT NULL,
	cashier        TEXT NOT NULL CHECK (cashier <> ''),
	opened_at      TEXT NOT NULL,
	float_json     TEXT NOT NULL CHECK (json_valid(float_json)),
	float_fen      INTEGER NOT NULL CHECK (float_fen >= 0),
	open_seq       INTEGER NOT NULL, -- the open's audit event
	state          TEXT NOT NULL CHECK (state IN ('open', 'closed')),
	close_id       TEXT NOT NULL DEFAULT '',
	closed_at      TEXT NOT NULL DEFAULT '',
	closed_by      TEXT NOT NULL DEFAULT '',
	counted_json   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(counted_json)),
	counted_fen    INTEGER NOT NULL DEFAULT 0 CHECK (counted_fen >= 0),
	expected_fen   INTEGER NOT NULL DEFAULT 0,
	over_short_fen INTEGER NOT NULL DEFAULT 0,
	recounts       INTEGER NOT NULL DEFAULT 0 CHECK (recounts IN (0, 1)),
	reason         TEXT NOT NULL DEFAULT '',
	approver       TEXT NOT NULL DEFAULT '',
	close_seq      INTEGER NOT NULL DEFAULT 0,
	entry_id       TEXT NOT NULL DEFAULT '', -- the over/short entry; '' when even
	z_no           INTEGER NOT NULL DEFAULT 0,
	CHECK (state = 'open' OR (close_id <> '' AND closed_at <> '' AND counted_fen - expected_fen = over_short_fen))
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX shifts_one_open ON shifts (state) WHERE state = 'open';

CREATE TRIGGER shifts_opening_fixed BEFORE UPDATE OF id, no, till, cashier, opened_at, float_json, float_fen, open_seq ON shifts
BEGIN SELECT RAISE(ABORT, 'a shift''s opening is fixed'); END;
CREATE TRIGGER shifts_closed_final BEFORE UPDATE OF state, close_id, closed_at, closed_by, counted_json,
	counted_fen, expected_fen, over_short_fen, recounts, reason, approver, close_seq, entry_id ON shifts
	WHEN OLD.state = 'closed'
BEGIN SELECT RAISE(ABORT, 'a closed shift is final'); END;
CREATE TRIGGER shifts_z_once BEFORE UPDATE OF z_no ON shifts WHEN OLD.z_no <> 0 OR OLD.state = 'open'
BEGIN SELECT RAISE(ABORT, 'a shift is taken by one Z report, after its close'); END;
CREATE TRIGGER shifts_no_delete BEFORE DELETE ON shifts
BEGIN SELECT RAISE(ABORT, 'shifts are never deleted'); END;

CREATE TABLE cash_moves (
	id         TEXT NOT NULL PRIMARY KEY CHECK (id <> ''),
	shift_id   TEXT NOT NULL REFERENCES shifts(id),
	kind       TEXT NOT NULL CHECK (kind IN ('paid_in', 'paid_out', 'drop')),
	amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
	reason     TEXT NOT NULL CHECK (trim(reason) <> ''),
	by_staff   TEXT NOT NULL,
	approver   TEXT NOT NULL,
	at         TEXT NOT NULL,
	entry_id   TEXT NOT NULL UNIQUE REFERENCES journal_entries(id) DEFERRABLE INITIALLY DEFERRED
) STRICT, WITHOUT ROWID;
CREATE INDEX cash_moves_shift ON cash_moves (shift_id);
CREATE TRIGGER cash_moves_no_update BEFORE UPDATE ON cash_moves
BEGIN SELECT RAISE(ABORT, 'cash_moves are append-only'); END;
CREATE TRIGGER cash_moves_no_delete BEFORE DELETE ON cash_moves
BEGIN SELECT RAISE(ABORT, 'cash_moves are append-only'); END;

-- Every journal entry booked while a shift is open belongs to it: sales,
-- refunds, cash moves, the close's over/short.
CREATE TABLE shift_entries (
	entry_id TEXT NOT NULL PRIMARY KEY REFERENCES journal_entries(id) DEFERRABLE INITIALLY DEFERRED,
	shift_id TEXT NOT NULL REFERENCES shifts(id)
) STRICT, WITHOUT ROWID;
CREATE INDEX shift_entries_shift ON shift_entries (shift_id);
CREATE TRIGGER shift_entries_no_update BEFORE UPDATE ON shift_entries
BEGIN SELECT RAISE(ABORT, 'shift_entries are append-only'); END;
CREATE TRIGGER shift_entries_no_delete BEFORE DELETE ON shift_entries
BEGIN SELECT RAISE(ABORT, 'shift_entries are append-only'); END;

CREATE TABLE z_reports (
	no              INTEGER PRIMARY KEY CHECK (no > 0), -- never reset
	at              TEXT NOT NULL,
	by_staff        TEXT NOT NULL,
	till            TEXT NOT NULL,
	business_day    TEXT NOT NULL,
	net_fen         INTEGER NOT NULL,
	grand_total_fen INTEGER NOT NULL,
	json            TEXT NOT NULL CHECK (json_valid(json)), -- pos.ZReport's figures
	seq             INTEGER NOT NULL -- its audit event
) STRICT;
CREATE TRIGGER z_reports_no_update BEFORE UPDATE ON z_reports
BEGIN SELECT RAISE(ABORT, 'z_reports are append-only'); END;
CREATE TRIGGER z_reports_no_delete BEFORE DELETE ON z_reports
BEGIN SELECT RAISE(ABORT, 'z_reports are append-only'); END;

-- The shift a sale was taken in; NULL outside any shift (and for every sale
-- before this migration). Set when the sale is written, never after.
ALTER TABLE sales ADD COLUMN shift_id TEXT REFERENCES shifts(id);
CREATE INDEX sales_shift ON sales (shift_id) WHERE shift_id IS NOT NULL;
