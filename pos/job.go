package pos

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// JobKind names what an outbox job does; sync/outbox has a handler per kind.
type JobKind string

// The kinds of work that wait for the network.
const (
	JobResolvePayment    JobKind = "resolve_payment"     // query/cancel a payment left unknown (待确认)
	JobResolveRefund     JobKind = "resolve_refund"      // ask again about a refund left pending
	JobDownloadBill      JobKind = "download_bill"       // fetch a provider's settlement bill
	JobUploadCardCapture JobKind = "upload_card_capture" // upload a card payment approved offline (TC)
)

// Job is one outbox row: work that needs the network, saved in the same
// transaction as the change that caused it and done by sync/outbox when the
// provider can be reached. Its ID makes enqueueing idempotent: the same job
// enqueued again (a restart, a replay) is the same row.
type Job struct {
	ID   string  // unique, made by the till (e.g. "resolve_payment:" + out_trade_no)
	Kind JobKind // chooses the handler
	// Key orders jobs: of the jobs sharing a key (one payment's), only the
	// oldest unfinished one is ever handed out, so they run in order. An
	// empty key is the job's own ID.
	Key     string
	Payload []byte // the request, as the handler reads it (JSON)
	// Hash is a digest of Kind, Key and Payload (JobHash). A job enqueued
	// again with the same ID but another hash is not the same request: a
	// CodeConflict, never a second request.
	Hash      string
	Tries     int       // attempts that failed and counted towards giving up
	Due       time.Time // not handed out before this (UTC)
	Created   time.Time // when it was first enqueued (UTC)
	LastError string    // why the last attempt failed, for the owner
	Parked    bool      // given up on: waits for a person, never dropped
	Done      bool      // handled; the row stays as the record that it was
}

// NewJob makes a job due at due, with its Hash.
func NewJob(id string, kind JobKind, key string, payload []byte, due time.Time) Job {
	if key == "" {
		key = id
	}
	return Job{ID: id, Kind: kind, Key: key, Payload: payload, Hash: JobHash(kind, key, payload),
		Due: due.UTC(), Created: due.UTC()}
}

// JobHash is the hex SHA-256 of a job's kind, key and payload: what makes two
// enqueues of one ID the same request.
func JobHash(kind JobKind, key string, payload []byte) string {
	h := sha256.New()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write([]byte(key))
	h.Write([]byte{0})
	h.Write(payload)
	return hex.EncodeToString(h.Sum(nil))
}

// ErrBadJob means a job lacks an ID, a kind or a hash, or its hash does not
// match its content: a bug in the code that made it.
var ErrBadJob = Errorf(CodeInternal, "pos: malformed outbox job")

// Validate checks what every stored job needs.
func (j Job) Validate() error {
	switch {
	case strings.TrimSpace(j.ID) == "" || j.Kind == "" || j.Key == "":
		return Errorf(CodeInternal, "pos: job %q of kind %q, key %q: %w", j.ID, j.Kind, j.Key, ErrBadJob)
	case j.Hash != JobHash(j.Kind, j.Key, j.Payload):
		return Errorf(CodeInternal, "pos: job %s: hash does not match its content: %w", j.ID, ErrBadJob)
	case j.Due.IsZero():
		return Errorf(CodeInternal, "pos: job %s has no due time: %w", j.ID, ErrBadJob)
	}
	return nil
}
