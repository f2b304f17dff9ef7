package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"zhanggui/pos"
)

// ChannelVault reads and writes the payment channels' settings. The
// channels' keys are sealed with AES-256-GCM under a secret key kept outside
// the database (LoadOrCreateKey): the database holds only ciphertext, and
// every value in it is sealed under the same key.
type ChannelVault struct {
	db   *DB
	seal *sealer
}

// ChannelVault returns the channels' repository, sealing under key (32
// bytes, from LoadOrCreateKey).
func (db *DB) ChannelVault(key []byte) (*ChannelVault, error) {
	s, err := newSealer(key)
	if err != nil {
		return nil, err
	}
	return &ChannelVault{db: db, seal: s}, nil
}

// SaveChannel validates c and stores it with all its keys, replacing what
// was stored for its provider: a key not in c.Secrets or c.Certs is
// deleted. Returns the pos.CodeInvalid error of c.Validate, or ErrWrongKey
// (nothing written) when the database holds keys sealed under another
// secret key, so that it never holds a mix of keys.
func (v *ChannelVault) SaveChannel(ctx context.Context, c pos.ChannelConfig) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("storage: save channel %s: %w", c.Provider, err)
	}
	rows, err := v.sealAll(c)
	if err != nil {
		return fmt.Errorf("storage: save channel %s: %w", c.Provider, err)
	}
	tx, err := v.db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: save channel %s: %w", c.Provider, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	if err := v.checkKeyID(ctx, tx); err != nil {
		return fmt.Errorf("storage: save channel %s: %w", c.Provider, err)
	}
	if err := upsertChannel(ctx, tx, c); err != nil {
		return fmt.Errorf("storage: save channel %s: %w", c.Provider, err)
	}
	if err := replaceSecrets(ctx, tx, c.Provider, rows); err != nil {
		return fmt.Errorf("storage: save channel %s: %w", c.Provider, err)
	}
	if err := auditChannel(ctx, tx, c, rows); err != nil {
		return fmt.Errorf("storage: save channel %s: %w", c.Provider, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: save channel %s: commit: %w", c.Provider, classify(err))
	}
	return nil
}

// auditChannel records a channel's keys changing: which keys it holds now,
// by name, never their values.
func auditChannel(ctx context.Context, tx *tx, c pos.ChannelConfig, rows []sealedValue) error {
	names := make([]any, len(rows))
	for i, r := range rows {
		names[i] = r.kind + ":" + r.name
	}
	_, err := appendAudit(ctx, tx, pos.AuditEvent{Kind: pos.AuditChannelKeys, Subject: "channel:" + string(c.Provider),
		Data: pos.AuditData(map[string]any{"keys": names})})
	return err
}

// sealAll seals every key of c, before the transaction: sealing is CPU
// work that need not hold the write lock.
func (v *ChannelVault) sealAll(c pos.ChannelConfig) ([]sealedValue, error) {
	var rows []sealedValue
	for kind, m := range map[string]map[string]string{"secret": c.Secrets, "cert": c.Certs} {
		for name, plain := range m {
			if plain == "" {
				continue
			}
			sv, err := v.seal.seal(sealedValue{provider: c.Provider, kind: kind, name: name}, plain)
			if err != nil {
				return nil, err
			}
			rows = append(rows, sv)
		}
	}
	return rows, nil
}

// checkKeyID refuses to write under our key when any value is sealed under
// another.
func (v *ChannelVault) checkKeyID(ctx context.Context, tx *tx) error {
	var other string
	err := tx.QueryRowContext(ctx, `SELECT key_id FROM channel_secrets WHERE key_id != ? LIMIT 1`,
		v.seal.keyID).Scan(&other)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return classify(err)
	}
	return fmt.Errorf("%w: stored keys are sealed with key %s", ErrWrongKey, other)
}

func upsertChannel(ctx context.Context, tx *tx, c pos.ChannelConfig) error {
	const q = `INSERT INTO channels (provider, enabled, app_id, mch_id, merchant_id, serial, public_key_id,
		wechat_api, gateway, timeout_ms, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (provider) DO UPDATE SET enabled = excluded.enabled, app_id = excluded.app_id,
		mch_id = excluded.mch_id, merchant_id = excluded.merchant_id, serial = excluded.serial,
		public_key_id = excluded.public_key_id, wechat_api = excluded.wechat_api, gateway = excluded.gateway,
		timeout_ms = excluded.timeout_ms, updated_at = excluded.updated_at`
	_, err := tx.ExecContext(ctx, q, string(c.Provider), boolInt(c.Enabled), c.AppID, c.MchID, c.MerchantID,
		c.Serial, c.PublicKeyID, c.WeChatAPI, c.Gateway, c.Timeout.Milliseconds(), formatTime(tx.now))
	return classify(err)
}

func replaceSecrets(ctx context.Context, tx *tx, p pos.Provider, rows []sealedValue) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM channel_secrets WHERE provider = ?`, string(p)); err != nil {
		return classify(err)
	}
	const q = `INSERT INTO channel_secrets (provider, kind, name, key_id, nonce, sealed) VALUES (?, ?, ?, ?, ?, ?)`
	for _, r := range rows {
		if _, err := tx.ExecContext(ctx, q, string(r.provider), r.kind, r.name, r.keyID, r.nonce, r.data); err != nil {
			return classify(err)
		}
	}
	return nil
}

// Channels returns the saved channels in the order of
// pos.ChannelProviders, with their keys opened. A channel never saved is
// not in the list.
//
// When a key does not open — ErrWrongKey (the key file does not belong to
// this database) or ErrSecretDamaged — the channels come back without the
// keys that did not open, along with that error, so the screen can still
// show the IDs while the owner restores the key file or imports the keys
// again. Nothing is changed.
func (v *ChannelVault) Channels(ctx context.Context) ([]pos.ChannelConfig, error) {
	t, err := v.db.read(ctx)
	if err != nil {
		return nil, fmt.Errorf("storage: channels: %w", err)
	}
	defer t.Rollback() // read-only: nothing to keep

	cs, err := readChannels(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("storage: channels: %w", err)
	}
	rows, err := readSecrets(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("storage: channels: %w", err)
	}
	var errs []error
	for _, r := range rows {
		i := slices.IndexFunc(cs, func(c pos.ChannelConfig) bool { return c.Provider == r.provider })
		plain, err := v.seal.open(r)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if i >= 0 {
			putKey(&cs[i], r.kind, r.name, plain)
		}
	}
	switch len(errs) {
	case 0:
		return cs, nil
	case 1:
		return cs, fmt.Errorf("storage: channels: %w", errs[0])
	}
	return cs, fmt.Errorf("storage: channels: %w (and %d more keys)", errs[0], len(errs)-1)
}

// Channel returns the channel of p, or ErrNotFound if it was never saved.
// Like Channels, it may return the channel without its keys and an error.
func (v *ChannelVault) Channel(ctx context.Context, p pos.Provider) (pos.ChannelConfig, error) {
	cs, err := v.Channels(ctx)
	for _, c := range cs {
		if c.Provider == p {
			return c, err
		}
	}
	if err != nil {
		return pos.ChannelConfig{}, err
	}
	return pos.ChannelConfig{}, fmt.Errorf("storage: channel %s: %w", p, ErrNotFound)
}

// ForgetSecrets deletes every sealed key of every channel, keeping the IDs
// and gateways. It is the way out after the secret key file was lost: the
// sealed keys can no longer be opened, and the owner imports them again.
func (v *ChannelVault) ForgetSecrets(ctx context.Context) error {
	tx, err := v.db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: forget channel keys: %w", err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	if _, err := tx.ExecContext(ctx, `DELETE FROM channel_secrets`); err != nil {
		return fmt.Errorf("storage: forget channel keys: %w", classify(err))
	}
	_, err = appendAudit(ctx, tx, pos.AuditEvent{Kind: pos.AuditChannelKeys, Subject: "channel:all",
		Data: pos.AuditData(map[string]any{"forgotten": true})})
	if err != nil {
		return fmt.Errorf("storage: forget channel keys: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: forget channel keys: commit: %w", classify(err))
	}
	return nil
}

func putKey(c *pos.ChannelConfig, kind, name, plain string) {
	if kind == "secret" {
		if c.Secrets == nil {
			c.Secrets = pos.Secrets{}
		}
		c.Secrets[name] = plain
		return
	}
	if c.Certs == nil {
		c.Certs = map[string]string{}
	}
	c.Certs[name] = plain
}

func readChannels(ctx context.Context, q querier) ([]pos.ChannelConfig, error) {
	rows, err := q.QueryContext(ctx, `SELECT provider, enabled, app_id, mch_id, merchant_id, serial,
		public_key_id, wechat_api, gateway, timeout_ms FROM channels`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var cs []pos.ChannelConfig
	for rows.Next() {
		var c pos.ChannelConfig
		var enabled, ms int64
		if err := rows.Scan(&c.Provider, &enabled, &c.AppID, &c.MchID, &c.MerchantID, &c.Serial,
			&c.PublicKeyID, &c.WeChatAPI, &c.Gateway, &ms); err != nil {
			return nil, classify(err)
		}
		c.Enabled, c.Timeout = enabled == 1, time.Duration(ms)*time.Millisecond
		cs = append(cs, c)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	slices.SortFunc(cs, func(a, b pos.ChannelConfig) int {
		return slices.Index(pos.ChannelProviders, a.Provider) - slices.Index(pos.ChannelProviders, b.Provider)
	})
	return cs, nil
}

func readSecrets(ctx context.Context, q querier) ([]sealedValue, error) {
	rows, err := q.QueryContext(ctx, `SELECT provider, kind, name, key_id, nonce, sealed FROM channel_secrets
		ORDER BY provider, kind, name`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []sealedValue
	for rows.Next() {
		var r sealedValue
		if err := rows.Scan(&r.provider, &r.kind, &r.name, &r.keyID, &r.nonce, &r.data); err != nil {
			return nil, classify(err)
		}
		out = append(out, r)
	}
	return out, classify(rows.Err())
}
