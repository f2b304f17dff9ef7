-- Refunds: new records returning money of one tender of a sale. A row is
-- written as 'pending' before the provider is asked; its journal entry is
-- booked in the same transaction that marks it 'done'.
CREATE TABLE refunds (
	id         TEXT PRIMARY KEY,             -- out_refund_no
	sale_id    TEXT NOT NULL REFERENCES sales(id),
	tender     INTEGER NOT NULL,
	payment_id TEXT NOT NULL,                -- '' for cash
	kind       TEXT NOT NULL,
	amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
	state      TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
	reason     TEXT NOT NULL DEFAULT '',
	at         TEXT NOT NULL,
	entry_id   TEXT NOT NULL DEFAULT '',
	FOREIGN KEY (sale_id, tender) REFERENCES tenders(sale_id, line_no)
) STRICT;
CREATE INDEX refunds_sale ON refunds (sale_id);
-- A refund's money never changes, and a done refund stays done.
CREATE TRIGGER refunds_fixed BEFORE UPDATE OF sale_id, tender, payment_id, kind, amount_fen ON refunds
BEGIN SELECT RAISE(ABORT, 'a refund''s tender and amount are fixed'); END;
CREATE TRIGGER refunds_done_final BEFORE UPDATE OF state ON refunds WHEN OLD.state = 'done'
BEGIN SELECT RAISE(ABORT, 'a done refund is final'); END;
CREATE TRIGGER refunds_no_delete BEFORE DELETE ON refunds
BEGIN SELECT RAISE(ABORT, 'refunds are never deleted'); END;
