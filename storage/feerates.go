package storage

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"zhanggui/pos"
)

// feeRateChannels are the settlement channels a rate can be set for (the
// CHECK of fee_rates says the same).
var feeRateChannels = map[string]bool{"alipay": true, "wechat": true, "acquirer": true}

// FeeRates returns each settlement channel's contracted fee rate in basis
// points of a payment (60 = 0.6 %), by channel ("alipay", "wechat",
// "acquirer"). A channel never set is absent: it has the default rate.
func (db *DB) FeeRates(ctx context.Context) (map[string]int64, error) {
	rows, err := db.ro.QueryContext(ctx, `SELECT channel, rate_bp FROM fee_rates`)
	if err != nil {
		return nil, fmt.Errorf("storage: fee rates: %w", classify(err))
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var ch string
		var bp int64
		if err := rows.Scan(&ch, &bp); err != nil {
			return nil, fmt.Errorf("storage: fee rates: %w", classify(err))
		}
		out[ch] = bp
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: fee rates: %w", classify(err))
	}
	return out, nil
}

// SaveFeeRates sets the rates given (basis points by channel) in one
// transaction; channels not given keep theirs. A rate outside 0…10000 or
// an unknown channel is a pos.CodeInvalid error and nothing is saved.
func (db *DB) SaveFeeRates(ctx context.Context, rates map[string]int64) error {
	for _, ch := range slices.Sorted(maps.Keys(rates)) {
		if bp := rates[ch]; !feeRateChannels[ch] || bp < 0 || bp > 10000 {
			return pos.Errorf(pos.CodeInvalid, "storage: save fee rates: %s rate %d bp: want a channel of %v and 0…10000",
				ch, bp, slices.Sorted(maps.Keys(feeRateChannels)))
		}
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: save fee rates: %w", err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	const q = `INSERT INTO fee_rates (channel, rate_bp, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (channel) DO UPDATE SET rate_bp = excluded.rate_bp, updated_at = excluded.updated_at`
	for ch, bp := range rates {
		if _, err := tx.ExecContext(ctx, q, ch, bp, formatTime(tx.now)); err != nil {
			return fmt.Errorf("storage: save fee rates: %w", classify(err))
		}
	}
	_, err = appendAudit(ctx, tx, pos.AuditEvent{Kind: pos.AuditSettings, Subject: "setting:fee_rates",
		Data: pos.AuditData(map[string]any{"rates_bp": feeRatesData(rates)})})
	if err != nil {
		return fmt.Errorf("storage: save fee rates: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: save fee rates: commit: %w", classify(err))
	}
	return nil
}

func feeRatesData(rates map[string]int64) map[string]any {
	out := make(map[string]any, len(rates))
	for ch, bp := range rates {
		out[ch] = bp
	}
	return out
}
