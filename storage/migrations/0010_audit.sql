-- 0010_audit: the till's append-only, hash-chained audit log.
--
-- Every security-relevant event (logins, sales, payment state changes,
-- refunds, approvals, shifts, catalogue and settings changes, ...) is a row
-- here, written in the same transaction as what it records. seq is gap-free
-- from 1 (the writer takes the head + 1 under the write lock); hash =
-- SHA-256(prev_hash ‖ canonical(event)) as pos.AuditEvent.Canonical defines.
-- The triggers refuse UPDATE and DELETE: defence in depth; the chain, the
-- signed closures and the heads printed on paper are what prove it.

CREATE TABLE audit_events (
	seq       INTEGER PRIMARY KEY CHECK (seq > 0),
	at        TEXT NOT NULL,
	till      TEXT NOT NULL,
	actor     TEXT NOT NULL,
	approver  TEXT NOT NULL,
	kind      TEXT NOT NULL CHECK (kind <> ''),
	subject   TEXT NOT NULL,
	data      TEXT NOT NULL CHECK (json_valid(data)),
	prev_hash BLOB NOT NULL CHECK (length(prev_hash) = 32),
	hash      BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX audit_events_at ON audit_events (at);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
