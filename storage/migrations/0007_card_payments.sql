-- 0007_card_payments: contactless bank cards (闪付) at the checkout.
--
-- 1. payments.mode gains 'card'. SQLite cannot alter a CHECK, so the table
--    is rebuilt. Migrations run inside one transaction with foreign keys
--    enforced (the connection sets _foreign_keys=1, and PRAGMA foreign_keys
--    is a no-op inside a transaction), and payment_events references
--    payments(id). So the enforcement is deferred to COMMIT for this
--    transaction only, the rows wait in a holding table, the old table is
--    dropped (each event then counts as an orphan), and the new table is
--    created under the same name and refilled (each row re-found by its
--    events takes its orphans off the count). The COMMIT fails, and nothing
--    changes, unless every payment_events row has its payment again.
--    payment_events and its triggers are not touched; the indexes and the
--    trigger of payments (0002, 0004) are made again as they were.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE payments_0007_hold AS SELECT * FROM payments;
DROP TABLE payments;

CREATE TABLE payments (
	id           TEXT PRIMARY KEY,            -- out_trade_no
	sale_id      TEXT NOT NULL,               -- the cart/sale it pays for
	provider     TEXT NOT NULL,               -- 'card' for bank cards (the acquirer's card API)
	mode         TEXT NOT NULL CHECK (mode IN ('code', 'qr', 'card')),
	amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
	state        TEXT NOT NULL,
	code_mask    TEXT NOT NULL DEFAULT '',
	qr           TEXT NOT NULL DEFAULT '',
	trade_no     TEXT NOT NULL DEFAULT '',
	buyer        TEXT NOT NULL DEFAULT '',    -- cards: the masked PAN (first 6 / last 4), never more
	reason       TEXT NOT NULL DEFAULT '',
	refunded_fen INTEGER NOT NULL DEFAULT 0 CHECK (refunded_fen >= 0 AND refunded_fen <= amount_fen),
	tries        INTEGER NOT NULL DEFAULT 0,
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL
) STRICT;

INSERT INTO payments (id, sale_id, provider, mode, amount_fen, state, code_mask, qr, trade_no, buyer,
		reason, refunded_fen, tries, created_at, updated_at)
	SELECT id, sale_id, provider, mode, amount_fen, state, code_mask, qr, trade_no, buyer,
		reason, refunded_fen, tries, created_at, updated_at
	FROM payments_0007_hold ORDER BY rowid;
DROP TABLE payments_0007_hold;

CREATE INDEX payments_sale ON payments (sale_id);
CREATE INDEX payments_open ON payments (state) WHERE state NOT IN ('succeeded', 'failed', 'reversed', 'refunded');
CREATE INDEX payments_created ON payments (created_at);
-- A payment's money never changes once written.
CREATE TRIGGER payments_amount_fixed BEFORE UPDATE OF amount_fen, provider, sale_id ON payments
BEGIN SELECT RAISE(ABORT, 'a payment''s amount, provider and sale are fixed'); END;

-- 2. Card payments the card approved offline (TC), kept until their upload
--    to the acquirer (the outbox job upload_card_capture, keyed by the
--    payment). Written in the same transaction as the sale, its card tender
--    and the job.
--
--    PAN handling (decided): the full card number is never stored in
--    clear. An ONLINE approval keeps only the masked PAN (first 6 / last 4)
--    and the keyed token. An OFFLINE approval must keep the PAN until its
--    upload, because the acquirer needs it to clear the TC: it is kept ONLY
--    sealed (AES-256-GCM, bound to the out_trade_no) under a key that lives
--    in a file outside the database (card.key next to the database, like
--    secret.key), inside `capture` (the capture record as JSON: the sealed
--    PAN, PAN sequence, expiry, ATC, unpredictable number, date and TC).
--    Once the upload is answered (uploaded or declined), `capture` is wiped
--    to an empty blob; only the masked PAN and the token stay. The track 2
--    equivalent and the card's keys are never kept at all. A database copy
--    without card.key reveals no card number.
CREATE TABLE card_captures (
	payment_id   TEXT PRIMARY KEY REFERENCES payments(id),
	sale_id      TEXT NOT NULL REFERENCES sales(id),
	amount_fen   INTEGER NOT NULL CHECK (amount_fen > 0),
	masked_pan   TEXT NOT NULL,
	token        TEXT NOT NULL CHECK (token <> ''),          -- keyed hash: counts a card's offline uses
	capture      BLOB NOT NULL,                              -- sealed; X'' once the upload is answered
	approved_at  TEXT NOT NULL,                              -- when the card said TC (UTC)
	business_day TEXT NOT NULL,                              -- shop-local day of approved_at
	state        TEXT NOT NULL CHECK (state IN ('pending', 'uploaded', 'declined')),
	rrn          TEXT NOT NULL DEFAULT '',                   -- the acquirer's reference on upload
	reason       TEXT NOT NULL DEFAULT '',                   -- why the acquirer declined it
	loss_entry   TEXT NOT NULL DEFAULT '',                   -- the entry writing it off (declined)
	done_at      TEXT NOT NULL DEFAULT '',
	CHECK (state = 'pending' OR length(capture) = 0),        -- answered: nothing of the card but mask and token
	CHECK (state <> 'declined' OR loss_entry <> '')          -- a declined capture is never silent
) STRICT;
-- The offline limits read what waits for upload, and a card's uses per day.
CREATE INDEX card_captures_pending ON card_captures (approved_at) WHERE state = 'pending';
CREATE INDEX card_captures_card_day ON card_captures (token, business_day);
CREATE INDEX card_captures_declined ON card_captures (done_at) WHERE state = 'declined';
-- A capture is never dropped, its money and card never change, and an
-- answered capture stays answered (and wiped).
CREATE TRIGGER card_captures_no_delete BEFORE DELETE ON card_captures
BEGIN SELECT RAISE(ABORT, 'card captures are never deleted'); END;
CREATE TRIGGER card_captures_fixed
	BEFORE UPDATE OF payment_id, sale_id, amount_fen, masked_pan, token, approved_at, business_day ON card_captures
BEGIN SELECT RAISE(ABORT, 'a card capture''s payment, amount and card are fixed'); END;
CREATE TRIGGER card_captures_answered_final BEFORE UPDATE ON card_captures WHEN OLD.state <> 'pending'
BEGIN SELECT RAISE(ABORT, 'an answered card capture is final'); END;
