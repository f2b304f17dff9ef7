package pcsc

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"zhanggui/hardware/nfc"
)

// Exit codes of RunCardRead.
const (
	exitOK    = 0
	exitError = 1 // no card, unreadable card, no service...
	exitUsage = 2
)

// RunCardRead is `zhanggui card-read [--json] [--reader NAME] [--timeout 30s]`:
// it waits for a card (on any reader unless --reader names one), reads it as
// an EMV payment card or, failing a payment application, reads its UID, and
// prints what it found: the type, the masked PAN or the UID, the expiry and
// the application label. It never prints a full PAN. Errors go to stderr in
// the cashier's words and in full; the exit code is 0, 1 on error, 2 on bad
// usage. Ctrl-C cancels the wait.
func RunCardRead(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return runCardRead(ctx, args, stdout, stderr)
}

// cardReadOptions are the flags of card-read.
type cardReadOptions struct {
	json    bool
	reader  string
	timeout time.Duration
}

// runCardRead is RunCardRead under ctx.
func runCardRead(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	opts, err := parseCardReadFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	ctx, cancel := context.WithTimeout(ctx, opts.timeout)
	defer cancel()
	res, err := readOnce(ctx, opts.reader, stderr)
	if err != nil {
		// stderr is the last resort: a failed write has nowhere to go
		_, _ = fmt.Fprintf(stderr, "card-read: %s\n(%v)\n", nfc.ChineseMessage(err), err)
		return exitError
	}
	if err := res.print(stdout, opts.json); err != nil {
		_, _ = fmt.Fprintf(stderr, "card-read: %v\n", err) // as above
		return exitError
	}
	return exitOK
}

// parseCardReadFlags reads the command line; it has reported any error.
func parseCardReadFlags(args []string, stderr io.Writer) (cardReadOptions, error) {
	var o cardReadOptions
	fs := newCardReadFlags(&o)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 || o.timeout <= 0 {
		_, _ = fmt.Fprintf(stderr, "card-read: unexpected %q or timeout %v\n", fs.Args(), o.timeout)
		fs.Usage()
		return o, errors.New("card-read: bad usage")
	}
	return o, nil
}

// CardReadFlags is the flag set RunCardRead parses, for the command's help
// (app prints it); the values it sets go nowhere.
func CardReadFlags() *flag.FlagSet { return newCardReadFlags(new(cardReadOptions)) }

func newCardReadFlags(o *cardReadOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("card-read", flag.ContinueOnError)
	fs.BoolVar(&o.json, "json", false, "print the result as JSON")
	fs.StringVar(&o.reader, "reader", "", "`name` of the reader to use (default: any reader)")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "how long to wait for a card")
	return fs
}

// cardReadResult is what card-read prints. It holds no full PAN.
type cardReadResult struct {
	Reader     string `json:"reader"`
	Type       string `json:"type"` // "emv" or "uid"
	Scheme     string `json:"scheme,omitempty"`
	Product    string `json:"product,omitempty"`
	Chinese    string `json:"name_zh,omitempty"`
	AID        string `json:"aid,omitempty"`
	MaskedPAN  string `json:"masked_pan,omitempty"`
	Expiry     string `json:"expiry,omitempty"`
	Label      string `json:"label,omitempty"`
	Cryptogram string `json:"cryptogram,omitempty"` // ARQC, TC, AAC or none
	UID        string `json:"uid,omitempty"`
}

// readOnce waits for one card and reads it.
func readOnce(ctx context.Context, reader string, stderr io.Writer) (cardReadResult, error) {
	pc, err := Open()
	if err != nil {
		return cardReadResult{}, err
	}
	defer func() { _ = pc.Close() }() // nothing to do about a failed release at exit
	if names, err := pc.Readers(); err == nil && len(names) == 0 {
		_, _ = fmt.Fprintln(stderr, "未检测到读卡器，请连接读卡器… (waiting for a reader)") // a prompt only
	}
	_, _ = fmt.Fprintln(stderr, "请将卡片放在读卡器上… (waiting for a card)")
	name, err := pc.WaitCard(ctx, reader)
	if err != nil {
		return cardReadResult{}, err
	}
	conn, err := pc.Connect(name)
	if err != nil {
		return cardReadResult{}, err
	}
	defer func() { _ = conn.Close() }() // fails when the card is gone already; nothing to do then
	return readConn(ctx, conn)
}

// readConn reads the connected card as EMV, else its UID.
func readConn(ctx context.Context, conn *Conn) (cardReadResult, error) {
	res := cardReadResult{Reader: conn.Reader()}
	card, err := nfc.ReadCard(ctx, conn, nfc.Transaction{})
	if errors.Is(err, nfc.ErrNoApplication) {
		uid, uidErr := nfc.ReadUID(ctx, conn)
		if uidErr != nil {
			return res, fmt.Errorf("%w; and its UID: %w", err, uidErr)
		}
		res.Type, res.UID = "uid", string(uid)
		return res, nil
	}
	if err != nil {
		return res, err
	}
	defer card.Wipe()
	res.Type, res.Scheme, res.Product, res.Chinese = "emv", card.Scheme, card.Product, card.Chinese
	res.AID, res.MaskedPAN, res.Expiry = fmt.Sprintf("%X", card.AID), card.Masked(), card.Expiry.String()
	res.Label, res.Cryptogram = card.Label, card.CryptogramType.String()
	return res, nil
}

// print writes the result as JSON or as aligned lines.
func (r cardReadResult) print(w io.Writer, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(r)
	}
	lines := [][2]string{{"reader", r.Reader}}
	if r.Type == "uid" {
		lines = append(lines, [2]string{"type", "member card (UID) 会员卡"}, [2]string{"uid", r.UID})
	} else {
		lines = append(lines,
			[2]string{"type", fmt.Sprintf("%s (%s)", strings.TrimSpace(r.Scheme+" "+r.Product), r.Chinese)},
			[2]string{"card", r.MaskedPAN},
			[2]string{"expiry", r.Expiry},
			[2]string{"label", r.Label},
			[2]string{"aid", r.AID},
			[2]string{"cryptogram", r.Cryptogram})
	}
	for _, l := range lines {
		if _, err := fmt.Fprintf(w, "%-11s %s\n", l[0]+":", l[1]); err != nil {
			return err
		}
	}
	return nil
}
