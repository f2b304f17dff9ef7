package pos

import (
	"crypto/sha256"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"sort"
	"strings"
)

// Secrets holds a channel's private keys and API keys by name. It prints,
// logs and marshals as names and fingerprints only, so a config that ends
// up in a log line, an error or a JSON dump never carries a key.
type Secrets map[string]string

// String lists the names with fingerprints: {name: AB:CD:EF:01, …}.
func (s Secrets) String() string { return keyList(s) }

// Format prints String for every verb, %#v included.
func (s Secrets) Format(f fmt.State, _ rune) { fmt.Fprint(f, keyList(s)) }

// LogValue logs String.
func (s Secrets) LogValue() slog.Value { return slog.StringValue(keyList(s)) }

// MarshalJSON writes each name with its fingerprint instead of its value.
func (s Secrets) MarshalJSON() ([]byte, error) {
	out := make(map[string]string, len(s))
	for name, v := range s {
		out[name] = Fingerprint(v)
	}
	return json.Marshal(out)
}

// String describes c for the log: IDs, gateway, timeout and the
// fingerprints of its keys, never a secret.
func (c ChannelConfig) String() string {
	var b strings.Builder
	b.WriteString(string(c.Provider))
	if c.Enabled {
		b.WriteString(" enabled")
	} else {
		b.WriteString(" disabled")
	}
	for _, f := range []struct{ name, value string }{{"app_id", c.AppID}, {"mch_id", c.MchID},
		{"merchant_id", c.MerchantID}, {"serial", c.Serial}, {"public_key_id", c.PublicKeyID},
		{"api", c.WeChatAPI}, {"gateway", c.Gateway}} {
		if f.value != "" {
			fmt.Fprintf(&b, " %s=%s", f.name, f.value)
		}
	}
	if c.Timeout != 0 {
		fmt.Fprintf(&b, " timeout=%v", c.Timeout)
	}
	fmt.Fprintf(&b, " secrets=%s certs=%s", keyList(c.Secrets), keyList(c.Certs))
	return b.String()
}

// Format prints String for every verb, so %v, %+v and %#v cannot reach
// the secrets.
func (c ChannelConfig) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }

// LogValue logs String.
func (c ChannelConfig) LogValue() slog.Value { return slog.StringValue(c.String()) }

// keyList is {name: fingerprint, …} in name order.
func keyList(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for _, name := range sortedKeys(m) {
		parts = append(parts, name+": "+Fingerprint(m[name]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Fingerprint identifies a key or certificate on screen without showing
// it: the first four bytes of the SHA-256 of its PEM contents (so line
// endings do not matter), or of the text of an API key, as AB:CD:EF:01.
// The same file imported twice has the same fingerprint; four bytes are
// too few to test guesses of a key against. "" for an empty s.
func Fingerprint(s string) string {
	if s == "" {
		return ""
	}
	data := []byte(strings.TrimSpace(s))
	if block, _ := pem.Decode(data); block != nil {
		data = block.Bytes
	}
	sum := sha256.Sum256(data)
	return fmt.Sprintf("%02X:%02X:%02X:%02X", sum[0], sum[1], sum[2], sum[3])
}

// Errors of the sealed channel keys (storage), which the screens explain.
var (
	// ErrWrongSecretKey means the channels' keys were sealed under another
	// secret key than the till's key file holds: the file is not the one
	// that belongs to this database (restored from another till, or lost
	// and made anew). Nothing was changed.
	ErrWrongSecretKey = Errorf(CodeInvalid,
		"pos: the payment keys were sealed with another secret key (密钥文件与数据库不匹配); "+
			"restore the secret key file that belongs to this database, or import the payment keys again")

	// ErrSecretDamaged means a sealed key does not open under the right
	// secret key: the database was changed outside 掌柜, or is damaged.
	ErrSecretDamaged = Errorf(CodeInternal,
		"pos: a sealed payment key does not open (已加密的密钥已损坏或被改动); import it again")
)

// Fault is the part of a channel a failed test connection points at.
type Fault string

// The faults a test connection tells apart.
const (
	FaultUnreachable Fault = "unreachable" // no answer: the gateway address, the network, a firewall
	FaultRefused     Fault = "refused"     // the provider refused the till's IDs, private key or API key
	FaultUntrusted   Fault = "untrusted"   // the answer's signature does not verify: the provider's key, or not the provider
	FaultNotGateway  Fault = "not_gateway" // an answer, but not in the provider's protocol: a wrong address
	FaultBusy        Fault = "busy"        // the provider is busy or limiting requests: try again later
)

// ConnectionError is why a channel's test connection failed.
type ConnectionError struct {
	Provider Provider
	Fault    Fault
	Said     string // the provider's code, if it answered: "40002 isv.invalid-signature", "FAIL", "401 SIGN_ERROR"
	Err      error  // the cause, for the log
}

func (e *ConnectionError) Error() string {
	msg := fmt.Sprintf("channel %s: test connection: %s", e.Provider, e.Fault)
	if e.Said != "" {
		msg += " (" + e.Said + ")"
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *ConnectionError) Unwrap() error { return e.Err }

// ConnectionFailed is the error of a failed test connection: CodeUnavailable
// when trying again later may help (unreachable, busy), CodeInvalid when a
// setting must change.
func ConnectionFailed(p Provider, f Fault, said string, cause error) error {
	code := CodeInvalid
	if f == FaultUnreachable || f == FaultBusy {
		code = CodeUnavailable
	}
	return Errorf(code, "pos: %w", &ConnectionError{Provider: p, Fault: f, Said: said, Err: cause})
}
