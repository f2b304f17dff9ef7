package storage

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"

	"zhanggui/pos"
)

// VerifyAudit recomputes the audit chain from seq from (1 when from < 1)
// to its head, streaming the rows from one snapshot (the log is never held
// in memory): every hash, every gap, every closure's signature against the
// till key file beside the database, and each slip head given. The first
// break found is in the result's Break; the error is for a database that
// could not be read at all.
func (db *DB) VerifyAudit(ctx context.Context, from int64, slips ...pos.AuditSlip) (pos.AuditVerification, error) {
	v := pos.AuditVerification{From: max(from, 1)}
	pub, havePub, err := tillPublicKey(db.path)
	if err != nil {
		return v, fmt.Errorf("storage: verify audit: %w", err)
	}
	t, err := db.read(ctx)
	if err != nil {
		return v, fmt.Errorf("storage: verify audit: %w", err)
	}
	defer t.Rollback()
	w := &chainWalk{v: &v, pub: pub, havePub: havePub, slips: slips}
	if err := w.run(ctx, t); err != nil {
		return v, fmt.Errorf("storage: verify audit: %w", err)
	}
	if v.Break == nil {
		v.Break = w.unseenSlips(ctx, t)
	}
	return v, nil
}

// chainWalk checks the events of one verify, row by row.
type chainWalk struct {
	v       *pos.AuditVerification
	check   *pos.ChainChecker
	pub     ed25519.PublicKey
	havePub bool
	slips   []pos.AuditSlip
	seen    map[int]bool // slips met on the way
}

func (w *chainWalk) run(ctx context.Context, t *sql.Tx) error {
	sigs, err := closureSignatures(ctx, t, w.v.From)
	if err != nil {
		return err
	}
	const q = `SELECT seq, at, till, actor, approver, kind, subject, data, prev_hash, hash
		FROM audit_events WHERE seq >= ? ORDER BY seq`
	rows, err := t.QueryContext(ctx, q, w.v.From)
	if err != nil {
		return classify(err)
	}
	defer rows.Close()
	w.seen = map[int]bool{}
	for rows.Next() {
		ev, err := scanAuditRow(rows)
		if err != nil {
			return err
		}
		s := sigs[ev.Seq]
		delete(sigs, ev.Seq)
		if w.v.Break = w.event(ev, s.key, s.sig); w.v.Break != nil {
			return nil
		}
	}
	if err := rows.Err(); err != nil {
		return classify(err)
	}
	if w.check == nil && w.v.From > 1 { // nothing at or after from
		w.v.Break = &pos.AuditBreak{Seq: w.v.From, Reason: "the log has no event at or after this seq"}
	}
	for seq := range sigs { // a signature left over: its event is gone
		w.v.Break = &pos.AuditBreak{Seq: seq, Reason: "a closure's signature whose event is missing"}
		break
	}
	return nil
}

// signed is a closure's key and signature.
type signed struct{ key, sig []byte }

// closureSignatures reads the signatures from seq from on: one a shift
// close or Z, few enough to hold, and reading them apart keeps the walk
// over the events a plain scan.
func closureSignatures(ctx context.Context, t *sql.Tx, from int64) (map[int64]signed, error) {
	rows, err := t.QueryContext(ctx, `SELECT seq, public_key, signature FROM audit_signatures WHERE seq >= ?`, from)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	out := map[int64]signed{}
	for rows.Next() {
		var seq int64
		var s signed
		if err := rows.Scan(&seq, &s.key, &s.sig); err != nil {
			return nil, classify(err)
		}
		out[seq] = s
	}
	return out, classify(rows.Err())
}

// event checks one event: its place in the chain, its closure signature
// and any slip head that names it.
func (w *chainWalk) event(ev pos.AuditEvent, key, sig []byte) *pos.AuditBreak {
	if w.check == nil {
		prev := pos.GenesisHash()
		if w.v.From > 1 {
			prev = ev.Prev // the part before from is not checked
		}
		w.check = pos.NewChainChecker(w.v.From-1, prev)
	}
	if err := w.check.Check(ev); err != nil {
		var b *pos.AuditBreak
		errors.As(err, &b)
		return b
	}
	w.v.Checked++
	w.v.HeadSeq, w.v.HeadHash = w.check.Head()
	if b := w.signature(ev, key, sig); b != nil {
		return b
	}
	for i, s := range w.slips {
		if s.Seq == ev.Seq {
			w.seen[i] = true
			if !s.Matches(ev.Hash) {
				return &pos.AuditBreak{Seq: ev.Seq, Reason: "its hash does not begin with the slip's " + s.Prefix}
			}
			w.v.Slips++
		}
	}
	return nil
}

// signature checks a closure's signature with the till's key.
func (w *chainWalk) signature(ev pos.AuditEvent, key, sig []byte) *pos.AuditBreak {
	switch {
	case sig == nil && !ev.Kind.IsClosure():
		return nil
	case sig == nil:
		return &pos.AuditBreak{Seq: ev.Seq, Reason: "a closure without its signature"}
	case !ev.Kind.IsClosure():
		return &pos.AuditBreak{Seq: ev.Seq, Reason: "a signature on an event that is not a closure"}
	case !w.havePub:
		return &pos.AuditBreak{Seq: ev.Seq, Reason: "the closure cannot be checked: " + TillKeyFile + " is missing"}
	case !bytes.Equal(key, w.pub):
		return &pos.AuditBreak{Seq: ev.Seq, Reason: "the closure was signed by another key than this till's"}
	case !ed25519.Verify(w.pub, pos.ClosureMessage(ev.Seq, ev.Hash), sig):
		return &pos.AuditBreak{Seq: ev.Seq, Reason: "the closure's signature is not valid"}
	}
	w.v.Signatures++
	return nil
}

// unseenSlips checks the slips the walk did not meet: before from, or past
// the log's end (its tail was cut off after the slip was printed).
func (w *chainWalk) unseenSlips(ctx context.Context, t *sql.Tx) *pos.AuditBreak {
	for i, s := range w.slips {
		if w.seen[i] {
			continue
		}
		var hash []byte
		err := t.QueryRowContext(ctx, `SELECT hash FROM audit_events WHERE seq = ?`, s.Seq).Scan(&hash)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return &pos.AuditBreak{Seq: s.Seq, Reason: fmt.Sprintf(
				"a slip shows this seq but the log ends at seq %d: events were removed", w.v.HeadSeq)}
		case err != nil:
			return &pos.AuditBreak{Seq: s.Seq, Reason: "cannot read it: " + err.Error()}
		case !s.Matches(hash):
			return &pos.AuditBreak{Seq: s.Seq, Reason: "its hash does not begin with the slip's " + s.Prefix}
		}
		w.v.Slips++
	}
	return nil
}
