-- 0013_audit_more: who did it, and the signed closures of the audit chain.
--
-- payments and refunds record the staff member who took or gave them (their
-- name, as on receipts; '' for rows written before this migration).
--
-- audit_signatures holds a closure's signature: each shift close and Z
-- report event is signed with the till's Ed25519 key (the file till.key
-- beside the database, never in it), over the event's seq and hash, and so
-- over the whole chain up to it. Append-only, like audit_events.

ALTER TABLE payments ADD COLUMN staff TEXT NOT NULL DEFAULT '';
ALTER TABLE refunds ADD COLUMN staff TEXT NOT NULL DEFAULT '';

CREATE TABLE audit_signatures (
	seq        INTEGER PRIMARY KEY REFERENCES audit_events (seq),
	public_key BLOB NOT NULL CHECK (length(public_key) = 32),
	signature  BLOB NOT NULL CHECK (length(signature) = 64)
) STRICT;

CREATE TRIGGER audit_signatures_no_update BEFORE UPDATE ON audit_signatures
BEGIN SELECT RAISE(ABORT, 'audit signatures are append-only'); END;
CREATE TRIGGER audit_signatures_no_delete BEFORE DELETE ON audit_signatures
BEGIN SELECT RAISE(ABORT, 'audit signatures are append-only'); END;

-- The index on audit_events.at cost an extra page write in every durable
-- sale commit (issue 10: the audit append adds at most 10 %); the owner's
-- screen filters by time with a scan, newest first, which is fast enough.
DROP INDEX audit_events_at;
