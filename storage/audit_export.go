package storage

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"zhanggui/pos"
)

// AuditManifest describes an audit export: the range, the count, the chain
// hashes at either end and the SHA-256 of the JSON lines file. It is
// written beside the file as FILE.manifest.json, and its SHA256 goes into
// the audit chain's export event, so a file changed later no longer
// matches what the till recorded.
type AuditManifest struct {
	Format    string `json:"format"` // "zg-audit-export-1"
	File      string `json:"file"`
	From      int64  `json:"from"`
	To        int64  `json:"to"`
	Count     int64  `json:"count"`
	FirstPrev string `json:"first_prev"` // hex: the hash before the first event
	LastHash  string `json:"last_hash"`
	SHA256    string `json:"sha256"`
}

// auditLine is one event of an export, as JSON: hashes in hex, the data as
// the JSON object it is.
type auditLine struct {
	Seq       int64           `json:"seq"`
	At        string          `json:"at"`
	Till      string          `json:"till"`
	Actor     string          `json:"actor"`
	Approver  string          `json:"approver,omitempty"`
	Kind      string          `json:"kind"`
	Subject   string          `json:"subject"`
	Data      json.RawMessage `json:"data"`
	Prev      string          `json:"prev"`
	Hash      string          `json:"hash"`
	PublicKey string          `json:"public_key,omitempty"` // closures only
	Signature string          `json:"signature,omitempty"`
}

// ExportAudit writes the events with from <= seq <= to (to < 1: up to the
// head) to path as JSON lines, one event a line, and the manifest beside
// it; then it records the export in the audit chain under the context's
// actor. The file appears whole or not at all (written aside, synced,
// renamed).
func (db *DB) ExportAudit(ctx context.Context, from, to int64, path string) (AuditManifest, error) {
	from = max(from, 1)
	if to > 0 && to < from {
		return AuditManifest{}, pos.Errorf(pos.CodeInvalid, "storage: audit export: --to %d is before --from %d", to, from)
	}
	m, err := db.writeExport(ctx, from, to, path)
	if err != nil {
		return m, fmt.Errorf("storage: audit export to %s: %w", path, err)
	}
	_, err = db.AppendAudit(ctx, pos.AuditEvent{Kind: pos.AuditExport, Subject: "audit:" + filepath.Base(path),
		Data: pos.AuditData(map[string]any{"from": m.From, "to": m.To, "count": m.Count, "sha256": m.SHA256})})
	return m, err
}

func (db *DB) writeExport(ctx context.Context, from, to int64, path string) (AuditManifest, error) {
	m := AuditManifest{Format: "zg-audit-export-1", File: filepath.Base(path), From: from}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return m, err
	}
	defer os.Remove(tmp) // after the rename: nothing left to remove
	sum := sha256.New()
	bw := bufio.NewWriter(io.MultiWriter(f, sum))
	err = db.exportLines(ctx, from, to, bw, &m)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if err = errors.Join(err, f.Close()); err != nil {
		return m, err
	}
	m.SHA256 = hex.EncodeToString(sum.Sum(nil))
	if err := writeManifest(path+".manifest.json", m); err != nil {
		return m, err
	}
	return m, renameSynced(tmp, path)
}

// exportLines streams the range, with the closures' signatures, to w.
func (db *DB) exportLines(ctx context.Context, from, to int64, w io.Writer, m *AuditManifest) error {
	t, err := db.read(ctx)
	if err != nil {
		return err
	}
	defer t.Rollback()
	const q = `SELECT e.seq, e.at, e.till, e.actor, e.approver, e.kind, e.subject, e.data, e.prev_hash, e.hash,
			coalesce(s.public_key, x''), coalesce(s.signature, x'')
		FROM audit_events e LEFT JOIN audit_signatures s ON s.seq = e.seq
		WHERE e.seq >= ? AND (? < 1 OR e.seq <= ?) ORDER BY e.seq`
	rows, err := t.QueryContext(ctx, q, from, to, to)
	if err != nil {
		return classify(err)
	}
	defer rows.Close()
	enc := json.NewEncoder(w)
	for rows.Next() {
		var key, sig []byte
		ev, err := scanAuditRow(rows, &key, &sig)
		if err != nil {
			return err
		}
		if m.Count == 0 {
			m.FirstPrev = hex.EncodeToString(ev.Prev)
		}
		m.Count, m.To, m.LastHash = m.Count+1, ev.Seq, hex.EncodeToString(ev.Hash)
		if err := enc.Encode(lineOf(ev, key, sig)); err != nil {
			return err
		}
	}
	return classify(rows.Err())
}

func lineOf(ev pos.AuditEvent, key, sig []byte) auditLine {
	return auditLine{Seq: ev.Seq, At: formatTime(ev.At), Till: ev.Till, Actor: ev.Actor, Approver: ev.Approver,
		Kind: string(ev.Kind), Subject: ev.Subject, Data: json.RawMessage(ev.Data),
		Prev: hex.EncodeToString(ev.Prev), Hash: hex.EncodeToString(ev.Hash),
		PublicKey: hex.EncodeToString(key), Signature: hex.EncodeToString(sig)}
}

func writeManifest(path string, m AuditManifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return renameSynced(tmp, path)
}

// ExportSum is the SHA-256 of a file, in hex: what a manifest's SHA256
// says of its export.
func ExportSum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
