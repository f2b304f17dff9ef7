package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"zhanggui/pos"
)

// The outbox (migrations/0005_outbox.sql): jobs that need the network,
// written with the change that causes them, handed to sync/outbox's worker
// when due, one at a time per key, and kept once done.

// causeMax bounds the stored error text of a job: enough for the owner to
// read, never a whole response body.
const causeMax = 500

// ErrJobChanged means a job ID was enqueued again with another request
// (another hash): not the same job, and never sent as if it were.
var ErrJobChanged = pos.Errorf(pos.CodeConflict, "storage: outbox job enqueued again with another request")

// Enqueue adds jobs to the outbox in one transaction: all of them or none.
// A job whose ID is already there, with the same hash, is left as it is
// (queued, parked or done): enqueueing is idempotent. The same ID with
// another hash wraps ErrJobChanged (pos.CodeConflict) and nothing is written.
func (db *DB) Enqueue(ctx context.Context, jobs ...pos.Job) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: enqueue: %w", err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	if err := enqueue(ctx, tx, jobs...); err != nil {
		return fmt.Errorf("storage: enqueue: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: enqueue: commit: %w", classify(err))
	}
	return nil
}

// SavePaymentWithJobs is SavePayment that also enqueues jobs in the same
// transaction: the payment saved as authorizing and the job that will
// resolve it, should the till die before it knows the outcome, exist
// together or not at all.
func (db *DB) SavePaymentWithJobs(ctx context.Context, p pos.Payment, jobs ...pos.Job) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: save payment %s: %w", p.ID, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	if err := savePayment(ctx, tx, p); err != nil {
		return fmt.Errorf("storage: save payment %s: %w", p.ID, err)
	}
	if err := enqueue(ctx, tx, jobs...); err != nil {
		return fmt.Errorf("storage: save payment %s: %w", p.ID, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: save payment %s: commit: %w", p.ID, classify(err))
	}
	return nil
}

// enqueue inserts jobs that are not there yet, inside tx.
func enqueue(ctx context.Context, tx *tx, jobs ...pos.Job) error {
	const ins = `INSERT INTO outbox (id, kind, job_key, payload, hash, state, due_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?) ON CONFLICT (id) DO NOTHING`
	for _, j := range jobs {
		if j.Key == "" {
			j.Key = j.ID
			j.Hash = pos.JobHash(j.Kind, j.Key, j.Payload)
		}
		if err := j.Validate(); err != nil {
			return err
		}
		payload := j.Payload
		if payload == nil {
			payload = []byte{} // NOT NULL: no payload is an empty one
		}
		res, err := tx.ExecContext(ctx, ins, j.ID, string(j.Kind), j.Key, payload, j.Hash,
			formatTime(j.Due), formatTime(tx.now), formatTime(tx.now))
		if err != nil {
			return fmt.Errorf("job %s: %w", j.ID, classify(err))
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			continue // inserted (RowsAffected cannot fail with this driver)
		}
		if err := sameJob(ctx, tx, j); err != nil {
			return err
		}
	}
	return nil
}

// sameJob checks that the stored job with j's ID is j's request.
func sameJob(ctx context.Context, tx *tx, j pos.Job) error {
	var hash string
	if err := tx.QueryRowContext(ctx, `SELECT hash FROM outbox WHERE id = ?`, j.ID).Scan(&hash); err != nil {
		return fmt.Errorf("job %s: %w", j.ID, classify(err))
	}
	if hash != j.Hash {
		return pos.Errorf(pos.CodeConflict, "job %s: stored hash %.12s…, enqueued %.12s…: %w",
			j.ID, hash, j.Hash, ErrJobChanged)
	}
	return nil
}

const jobCols = `id, kind, job_key, payload, hash, state, tries, due_at, created_at, last_error`

func scanJob(s scanner) (pos.Job, error) {
	var j pos.Job
	var kind, state, due, created string
	err := s.Scan(&j.ID, &kind, &j.Key, &j.Payload, &j.Hash, &state, &j.Tries, &due, &created, &j.LastError)
	if err != nil {
		return j, err
	}
	j.Kind, j.Parked, j.Done = pos.JobKind(kind), state == "parked", state == "done"
	if j.Due, err = parseTime(due); err != nil {
		return j, err
	}
	j.Created, err = parseTime(created)
	return j, err
}

// headOfKey keeps, of the unfinished jobs of a key, only the first enqueued:
// one payment's jobs run in order, and a parked one holds back those after
// it until a person has looked at it.
const headOfKey = `NOT EXISTS (SELECT 1 FROM outbox e
	WHERE e.job_key = o.job_key AND e.state <> 'done' AND e.seq < o.seq)`

// Due returns up to max queued jobs due at now, in the order they were
// enqueued, at most one per key (the first unfinished one of the key).
func (db *DB) Due(ctx context.Context, now time.Time, max int) ([]pos.Job, error) {
	const q = `SELECT ` + jobCols + ` FROM outbox o
		WHERE o.state = 'queued' AND o.due_at <= ? AND ` + headOfKey + ` ORDER BY o.seq LIMIT ?`
	jobs, err := db.jobs(ctx, q, formatTime(now), max)
	if err != nil {
		return nil, fmt.Errorf("storage: due jobs: %w", err)
	}
	return jobs, nil
}

// NextDue returns when the next job that Due could hand out falls due; ok
// is false when there is none (the worker then sleeps until woken).
func (db *DB) NextDue(ctx context.Context) (at time.Time, ok bool, err error) {
	const q = `SELECT min(o.due_at) FROM outbox o WHERE o.state = 'queued' AND ` + headOfKey
	var due sql.NullString
	if err := db.ro.QueryRowContext(ctx, q).Scan(&due); err != nil {
		return time.Time{}, false, fmt.Errorf("storage: next due job: %w", classify(err))
	}
	if !due.Valid {
		return time.Time{}, false, nil
	}
	at, err = parseTime(due.String)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("storage: next due job: %w", err)
	}
	return at, true, nil
}

// Parked lists the jobs given up on, oldest first, for the owner.
func (db *DB) Parked(ctx context.Context) ([]pos.Job, error) {
	jobs, err := db.jobs(ctx, `SELECT `+jobCols+` FROM outbox o WHERE o.state = 'parked' ORDER BY o.seq`)
	if err != nil {
		return nil, fmt.Errorf("storage: parked jobs: %w", err)
	}
	return jobs, nil
}

// JobsForKey lists every job of a key, done ones included, in order.
func (db *DB) JobsForKey(ctx context.Context, key string) ([]pos.Job, error) {
	jobs, err := db.jobs(ctx, `SELECT `+jobCols+` FROM outbox o WHERE o.job_key = ? ORDER BY o.seq`, key)
	if err != nil {
		return nil, fmt.Errorf("storage: jobs of %s: %w", key, err)
	}
	return jobs, nil
}

// Job reads one job; a missing one wraps ErrNotFound.
func (db *DB) Job(ctx context.Context, id string) (pos.Job, error) {
	j, err := scanJob(db.ro.QueryRowContext(ctx, `SELECT `+jobCols+` FROM outbox o WHERE o.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return j, fmt.Errorf("storage: job %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return j, fmt.Errorf("storage: job %s: %w", id, classify(err))
	}
	return j, nil
}

func (db *DB) jobs(ctx context.Context, q string, args ...any) ([]pos.Job, error) {
	rows, err := db.ro.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []pos.Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, classify(err)
		}
		out = append(out, j)
	}
	return out, classify(rows.Err())
}

// OutboxStats tells the status bar how much waits for the network: the
// queued jobs, when the oldest of them was enqueued (zero if none), and the
// parked jobs waiting for a person.
func (db *DB) OutboxStats(ctx context.Context) (queued int, oldest time.Time, parked int, err error) {
	const q = `SELECT count(*) FILTER (WHERE state = 'queued'), min(created_at) FILTER (WHERE state = 'queued'),
		count(*) FILTER (WHERE state = 'parked') FROM outbox WHERE state <> 'done'`
	var old sql.NullString
	if err := db.ro.QueryRowContext(ctx, q).Scan(&queued, &old, &parked); err != nil {
		return 0, time.Time{}, 0, fmt.Errorf("storage: outbox stats: %w", classify(err))
	}
	if old.Valid {
		if oldest, err = parseTime(old.String); err != nil {
			return 0, time.Time{}, 0, fmt.Errorf("storage: outbox stats: %w", err)
		}
	}
	return queued, oldest, parked, nil
}

// Done marks a queued job done. A job already done (or parked meanwhile)
// is left as it is; an unknown ID wraps ErrNotFound.
func (db *DB) Done(ctx context.Context, id string) error {
	return db.updateJob(ctx, "done", id,
		`UPDATE outbox SET state = 'done', last_error = '', updated_at = ?1 WHERE id = ?2 AND state = 'queued'`)
}

// Retry counts a failed try of a queued job and makes it due again at at.
func (db *DB) Retry(ctx context.Context, id string, at time.Time, cause string) error {
	return db.updateJob(ctx, "retry", id, `UPDATE outbox SET tries = tries + 1, due_at = ?3, last_error = ?4,
		updated_at = ?1 WHERE id = ?2 AND state = 'queued'`, formatTime(at), clip(cause, causeMax))
}

// Postpone makes a queued job due again at at without counting a try: it
// was not tried, because its provider is known to be offline.
func (db *DB) Postpone(ctx context.Context, id string, at time.Time, cause string) error {
	return db.updateJob(ctx, "postpone", id, `UPDATE outbox SET due_at = ?3, last_error = ?4,
		updated_at = ?1 WHERE id = ?2 AND state = 'queued'`, formatTime(at), clip(cause, causeMax))
}

// Park gives up on a queued job: it stays, with its error, in Parked for
// the owner, and holds back the later jobs of its key.
func (db *DB) Park(ctx context.Context, id string, cause string) error {
	return db.updateJob(ctx, "park", id, `UPDATE outbox SET state = 'parked', tries = tries + 1,
		last_error = ?3, updated_at = ?1 WHERE id = ?2 AND state = 'queued'`, clip(cause, causeMax))
}

// Requeue puts a parked job back in the queue, due now with its tries
// reset: the owner's 重试 after fixing what was wrong.
func (db *DB) Requeue(ctx context.Context, id string) error {
	return db.updateJob(ctx, "requeue", id, `UPDATE outbox SET state = 'queued', tries = 0, due_at = ?1,
		updated_at = ?1 WHERE id = ?2 AND state = 'parked'`)
}

// updateJob runs one UPDATE of a job in its own transaction; ?1 is the
// transaction's time and ?2 the ID. A job in another state is left alone;
// an unknown ID wraps ErrNotFound.
func (db *DB) updateJob(ctx context.Context, op, id, q string, args ...any) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return fmt.Errorf("storage: %s job %s: %w", op, id, err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	res, err := tx.ExecContext(ctx, q, append([]any{formatTime(tx.now), id}, args...)...)
	if err != nil {
		return fmt.Errorf("storage: %s job %s: %w", op, id, classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 { // RowsAffected cannot fail with this driver
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM outbox WHERE id = ?`, id).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("storage: %s job %s: %w", op, id, ErrNotFound)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storage: %s job %s: commit: %w", op, id, classify(err))
	}
	return nil
}

// Expedite makes every queued job due at now: the link came back, or the
// owner pressed 立即同步. It returns how many jobs it moved forward.
func (db *DB) Expedite(ctx context.Context, now time.Time) (int, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: expedite jobs: %w", err)
	}
	defer tx.Rollback() // after Commit it returns sql.ErrTxDone: nothing to handle

	res, err := tx.ExecContext(ctx, `UPDATE outbox SET due_at = ?1, updated_at = ?2
		WHERE state = 'queued' AND due_at > ?1`, formatTime(now), formatTime(tx.now))
	if err != nil {
		return 0, fmt.Errorf("storage: expedite jobs: %w", classify(err))
	}
	n, _ := res.RowsAffected() // cannot fail with this driver
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("storage: expedite jobs: commit: %w", classify(err))
	}
	return int(n), nil
}
