-- Payment attempts at the providers. A row is written with state
-- 'authorizing' before the request leaves the till; every change of state
-- is appended to payment_events, so the history of an attempt is never lost.
CREATE TABLE payments (
	id           TEXT PRIMARY KEY,            -- out_trade_no
	sale_id      TEXT NOT NULL,               -- the cart/sale it pays for
	provider     TEXT NOT NULL,
	mode         TEXT NOT NULL CHECK (mode IN ('code', 'qr')),
	amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
	state        TEXT NOT NULL,
	code_mask    TEXT NOT NULL DEFAULT '',
	qr           TEXT NOT NULL DEFAULT '',
	trade_no     TEXT NOT NULL DEFAULT '',
	buyer        TEXT NOT NULL DEFAULT '',
	reason       TEXT NOT NULL DEFAULT '',
	refunded_fen INTEGER NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0 AND refunded_fen <= amount_fen),
	tries        INTEGER NOT NULL DEFAULT 0,
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX payments_sale ON payments (sale_id);
CREATE INDEX payments_open ON payments (state) WHERE state NOT IN ('succeeded', 'failed', 'reversed', 'refunded');

CREATE TABLE payment_events (
	payment_id TEXT NOT NULL REFERENCES payments(id),
	at         TEXT NOT NULL,
	state      TEXT NOT NULL,
	reason     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX payment_events_payment ON payment_events (payment_id);
CREATE TRIGGER payment_events_append_only_u BEFORE UPDATE ON payment_events
BEGIN SELECT RAISE(ABORT, 'payment_events are append-only'); END;
CREATE TRIGGER payment_events_append_only_d BEFORE DELETE ON payment_events
BEGIN SELECT RAISE(ABORT, 'payment_events are append-only'); END;
-- A payment's money never changes once written.
CREATE TRIGGER payments_amount_fixed BEFORE UPDATE OF amount_fen, provider, sale_id ON payments
BEGIN SELECT RAISE(ABORT, 'a payment''s amount, provider and sale are fixed'); END;
