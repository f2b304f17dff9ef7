-- 0015_approvals: manager approvals of gated actions at the till.
--
-- A row is one approval of one request (pos.ApprovalRequest): bound to it by
-- digest (SHA-256 of the request's ID, actions, subject, amount and
-- requester), given by approver_id by method, recorded in the audit chain
-- in the same transaction. It is single-use: the gated action sets used_at
-- in its own transaction, once; nothing else ever changes or goes.
-- A TOTP code's time step is taken once per approver (the unique index), so
-- a code read out over the phone cannot approve a second action.

CREATE TABLE approvals (
	id           TEXT PRIMARY KEY CHECK (id <> ''),
	request_id   TEXT NOT NULL UNIQUE CHECK (request_id <> ''),
	digest       BLOB NOT NULL CHECK (length(digest) = 32),
	actions      TEXT NOT NULL CHECK (json_valid(actions)),
	subject      TEXT NOT NULL,
	amount_fen   INTEGER NOT NULL CHECK (amount_fen >= 0),
	reason       TEXT NOT NULL,
	note         TEXT NOT NULL,
	requester_id INTEGER NOT NULL,
	requester    TEXT NOT NULL,
	approver_id  INTEGER NOT NULL,
	approver     TEXT NOT NULL,
	method       TEXT NOT NULL CHECK (method IN ('pin', 'badge', 'totp', 'owner-self')),
	challenge    TEXT NOT NULL,
	totp_step    INTEGER CHECK ((method = 'totp') = (totp_step IS NOT NULL)),
	till         TEXT NOT NULL,
	at           TEXT NOT NULL,
	used_at      TEXT,
	CHECK (approver_id <> requester_id OR method = 'owner-self')
) STRICT;
CREATE UNIQUE INDEX approvals_totp_step ON approvals (approver_id, totp_step) WHERE totp_step IS NOT NULL;

CREATE TRIGGER approvals_no_delete BEFORE DELETE ON approvals
BEGIN SELECT RAISE(ABORT, 'approvals are kept'); END;
CREATE TRIGGER approvals_use_once BEFORE UPDATE ON approvals
WHEN OLD.used_at IS NOT NULL OR NEW.used_at IS NULL
	OR NEW.id IS NOT OLD.id OR NEW.request_id IS NOT OLD.request_id OR NEW.digest IS NOT OLD.digest
	OR NEW.actions IS NOT OLD.actions OR NEW.subject IS NOT OLD.subject OR NEW.amount_fen IS NOT OLD.amount_fen
	OR NEW.reason IS NOT OLD.reason OR NEW.note IS NOT OLD.note OR NEW.requester_id IS NOT OLD.requester_id
	OR NEW.requester IS NOT OLD.requester OR NEW.approver_id IS NOT OLD.approver_id
	OR NEW.approver IS NOT OLD.approver OR NEW.method IS NOT OLD.method OR NEW.challenge IS NOT OLD.challenge
	OR NEW.totp_step IS NOT OLD.totp_step OR NEW.till IS NOT OLD.till OR NEW.at IS NOT OLD.at
BEGIN SELECT RAISE(ABORT, 'an approval is used once and never changed'); END;
