// Package auditlog is the owner's audit screen: the till's audit log with
// filters (who, what, when) and a button that verifies the chain (every
// hash, gap and closure signature, as `zhanggui audit verify` does) and
// shows the result. It reads through Deps; package app wires the store.
package auditlog
