package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"zhanggui/pos"
)

// What the owner's sync screen (同步) reads of the outbox. Listing parked
// jobs (Parked) and putting one back (Requeue) are in outbox.go.

// QueueStat is how much waits for the network at one provider.
type QueueStat struct {
	// Provider is the "provider" field of the jobs' JSON payload (every
	// payment and refund job has one); "" for jobs that name none.
	Provider string
	Queued   int       // jobs waiting for the network (waitingJob)
	Oldest   time.Time // when the oldest of them was enqueued (UTC)
}

// waitingJob selects the queued jobs that wait for the network. A bill
// download scheduled for the morning and not tried yet waits for nothing:
// counting it from the evening before would tell the owner that something
// is stuck. Every other queued job counts (a payment's job from its first
// save: a running payment is network work too). ?1 is now.
const waitingJob = `state = 'queued' AND (kind <> '` + string(pos.JobDownloadBill) + `' OR due_at <= ?1 OR tries > 0 OR last_error <> '')`

// WaitingJobs counts the jobs waiting for the network (the banner's 待同步 N).
func (db *DB) WaitingJobs(ctx context.Context) (int, error) {
	var n int
	err := db.ro.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE `+waitingJob, formatTime(db.Now().UTC())).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("storage: waiting jobs: %w", classify(err))
	}
	return n, nil
}

// QueueByProvider counts the jobs waiting for the network (waitingJob) of
// each provider, with the age of the oldest, in provider order. It reads
// only queued rows (an index of its own), so it stays cheap however long
// the outbox's history grows.
func (db *DB) QueueByProvider(ctx context.Context) ([]QueueStat, error) {
	const q = `SELECT CAST(COALESCE(CASE WHEN json_valid(CAST(payload AS TEXT))
			THEN json_extract(CAST(payload AS TEXT), '$.provider') END, '') AS TEXT) AS provider,
		count(*), min(created_at)
		FROM outbox WHERE ` + waitingJob + ` GROUP BY provider ORDER BY provider`
	rows, err := db.ro.QueryContext(ctx, q, formatTime(db.Now().UTC()))
	if err != nil {
		return nil, fmt.Errorf("storage: queue by provider: %w", classify(err))
	}
	defer rows.Close()
	var out []QueueStat
	for rows.Next() {
		var s QueueStat
		var oldest sql.NullString
		if err := rows.Scan(&s.Provider, &s.Queued, &oldest); err != nil {
			return nil, fmt.Errorf("storage: queue by provider: %w", classify(err))
		}
		if s.Oldest, err = parseTime(oldest.String); err != nil {
			return nil, fmt.Errorf("storage: queue by provider: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: queue by provider: %w", classify(err))
	}
	return out, nil
}

// LastDoneByProvider is when a job of each provider was last done, among
// the most recent limit jobs done (seq order): the sync screen's 上次同步
// after a restart. Bounded, so it costs the same however long the
// outbox's history grows.
func (db *DB) LastDoneByProvider(ctx context.Context, limit int) (map[string]time.Time, error) {
	const q = `SELECT CAST(COALESCE(CASE WHEN json_valid(CAST(payload AS TEXT))
			THEN json_extract(CAST(payload AS TEXT), '$.provider') END, '') AS TEXT), updated_at
		FROM outbox WHERE state = 'done' ORDER BY seq DESC LIMIT ?`
	rows, err := db.ro.QueryContext(ctx, q, limit)
	if err != nil {
		return nil, fmt.Errorf("storage: last done: %w", classify(err))
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var provider, at string
		if err := rows.Scan(&provider, &at); err != nil {
			return nil, fmt.Errorf("storage: last done: %w", classify(err))
		}
		t, err := parseTime(at)
		if err != nil {
			return nil, fmt.Errorf("storage: last done: %w", err)
		}
		if t.After(out[provider]) {
			out[provider] = t
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("storage: last done: %w", classify(err))
	}
	return out, nil
}
