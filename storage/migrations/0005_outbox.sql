-- 0005_outbox: work that needs the network (sync/outbox). A job is written
-- in the same transaction as the change that causes it, handed out by the
-- worker when due, and kept after it is done: the row is the record that
-- the work happened, and what makes enqueueing the same job ID again a
-- no-op instead of a second request.
CREATE TABLE outbox (
	seq        INTEGER PRIMARY KEY,                  -- enqueue order: jobs of one key run in it
	id         TEXT NOT NULL UNIQUE CHECK (id <> ''),
	kind       TEXT NOT NULL CHECK (kind <> ''),
	job_key    TEXT NOT NULL CHECK (job_key <> ''),  -- e.g. the out_trade_no
	payload    BLOB NOT NULL,
	hash       TEXT NOT NULL,                        -- of kind, key and payload
	state      TEXT NOT NULL CHECK (state IN ('queued', 'parked', 'done')),
	tries      INTEGER NOT NULL DEFAULT 0 CHECK (tries >= 0),
	due_at     TEXT NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	last_error TEXT NOT NULL DEFAULT ''
) STRICT;
-- The worker walks queued jobs in enqueue order; a key's unfinished jobs
-- are looked up to keep them in order.
CREATE INDEX outbox_queued ON outbox (seq) WHERE state = 'queued';
CREATE INDEX outbox_open_key ON outbox (job_key, seq) WHERE state <> 'done';
-- A job is never dropped, its request never changes, and done is final.
CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
BEGIN SELECT RAISE(ABORT, 'outbox jobs are never deleted'); END;
CREATE TRIGGER outbox_request_fixed BEFORE UPDATE OF seq, id, kind, job_key, payload, hash ON outbox
BEGIN SELECT RAISE(ABORT, 'an outbox job''s request is fixed'); END;
CREATE TRIGGER outbox_done_final BEFORE UPDATE OF state ON outbox WHEN OLD.state = 'done'
BEGIN SELECT RAISE(ABORT, 'a done outbox job is final'); END;
