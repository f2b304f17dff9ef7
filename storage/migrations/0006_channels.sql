-- Payment channels: the shop's IDs at each provider, where its gateway is,
-- and its keys. One row per channel; the acquirer's ('unionpay') also takes
-- e-CNY codes.
CREATE TABLE channels (
	provider      TEXT PRIMARY KEY CHECK (provider IN ('alipay', 'wechat', 'unionpay')),
	enabled       INTEGER NOT NULL CHECK (enabled IN (0, 1)),
	app_id        TEXT NOT NULL DEFAULT '',
	mch_id        TEXT NOT NULL DEFAULT '',
	merchant_id   TEXT NOT NULL DEFAULT '',
	serial        TEXT NOT NULL DEFAULT '',
	public_key_id TEXT NOT NULL DEFAULT '',
	wechat_api    TEXT NOT NULL DEFAULT '' CHECK (wechat_api IN ('', 'v2', 'v3')),
	gateway       TEXT NOT NULL DEFAULT '',
	timeout_ms    INTEGER NOT NULL DEFAULT 0 CHECK (timeout_ms >= 0),
	updated_at    TEXT NOT NULL
) STRICT;

-- The channels' private keys, API keys, public keys and certificates,
-- each sealed with AES-256-GCM under a secret key kept outside this file
-- (storage.LoadOrCreateKey): a copy of the database alone reveals no key and
-- cannot swap one in. The associated data binds each value to its provider,
-- kind and name, so a sealed value moved to another row does not open.
CREATE TABLE channel_secrets (
	provider TEXT NOT NULL REFERENCES channels(provider) ON DELETE CASCADE,
	kind     TEXT NOT NULL CHECK (kind IN ('secret', 'cert')),
	name     TEXT NOT NULL,
	key_id   TEXT NOT NULL,                             -- which secret key sealed it: a keyed hash, not the key
	nonce    BLOB NOT NULL CHECK (length(nonce) = 12),  -- random, one per value
	sealed   BLOB NOT NULL,                             -- ciphertext and GCM tag
	PRIMARY KEY (provider, kind, name)
) STRICT;
