-- Staff logins (issue 10): every role, PINs hashed with argon2id over a
-- peppered HMAC (the pepper lives in pepper.key beside the database, never
-- in it), badges, sealed TOTP secrets and the lockout counters; the
-- permission table's changes from the defaults; the owner's recovery code.
-- The role CHECK widens, and SQLite changes a CHECK only by rebuilding the
-- table. Nothing references staff by key (sales copy the cashier's name).

CREATE TABLE staff_new (
	id              INTEGER PRIMARY KEY,
	name            TEXT NOT NULL UNIQUE CHECK (name <> ''),
	role            TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'cashier', 'accountant', 'trainee')),
	active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
	badge           TEXT NOT NULL DEFAULT '',                 -- an NFC card UID (hex, upper case); '' none
	pin_hash        TEXT NOT NULL DEFAULT '',                 -- argon2id PHC string; '' no PIN set yet
	totp_key_id     TEXT NOT NULL DEFAULT '',                 -- names the key that sealed totp_sealed
	totp_nonce      BLOB,
	totp_sealed     BLOB,                                     -- AES-256-GCM; NULL none enrolled
	failures        INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0), -- wrong PINs in a row
	locked_until    TEXT NOT NULL DEFAULT '',                 -- RFC 3339 UTC; '' not locked
	locked_for_good INTEGER NOT NULL DEFAULT 0 CHECK (locked_for_good IN (0, 1)),
	CHECK (role <> 'owner' OR active = 1)
) STRICT;

INSERT INTO staff_new (id, name, role) SELECT id, name, role FROM staff;
DROP TABLE staff;
ALTER TABLE staff_new RENAME TO staff;

CREATE UNIQUE INDEX staff_badge ON staff (badge) WHERE badge <> '';
CREATE UNIQUE INDEX staff_one_owner ON staff (role) WHERE role = 'owner';

-- A row per (action, role) whose grant differs from pos.DefaultPermissions.
CREATE TABLE permission_grants (
	action   TEXT NOT NULL CHECK (action <> ''),
	role     TEXT NOT NULL CHECK (role IN ('manager', 'cashier', 'accountant', 'trainee')),
	decision TEXT NOT NULL CHECK (decision IN ('allow', 'approve', 'deny')),
	PRIMARY KEY (action, role)
) STRICT;

-- The limits (pos.Limits as JSON); no row: pos.DefaultLimits.
CREATE TABLE permission_limits (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	json TEXT NOT NULL CHECK (json_valid(json))
) STRICT;

-- The owner's recovery code: only its hash (argon2id, peppered).
CREATE TABLE owner_recovery (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	code_hash  TEXT NOT NULL CHECK (code_hash <> ''),
	created_at TEXT NOT NULL
) STRICT;
