// Package app is the composition root: it parses the command line, opens
// the data directory, wires storage, devices and providers into the screens
// and runs either the GUI (the default) or a headless command.
package app

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	_ "time/tzdata" // the shop's zone (Asia/Shanghai) on machines without tzdata
)

// Version is the build's version, set with -ldflags "-X zhanggui/app.Version=…".
var Version = "0.1.0"

// command is one subcommand of the binary.
type command struct {
	name, usage string
	run         func(env *env, args []string) int
}

// env is what every command gets: its output streams and the data directory.
type env struct {
	stdout, stderr io.Writer
	dataDir        string
	log            *slog.Logger
}

func commands() []command {
	return []command{
		{"gui", "open the till (the default)", runGUI},
		{"import-products", "FILE: import products from .xlsx or .csv (all rows or none)", runImportProducts},
		{"export-products", "FILE: export the catalogue to .xlsx", runExportProducts},
		{"backup", "DEST: write a consistent copy of the database to DEST", runBackup},
		{"restore", "FILE: replace the database with a verified backup (the till must be closed)", runRestore},
		{"reconcile", "--date YYYY-MM-DD [--to YYYY-MM-DD] --out FILE.xlsx: match the providers' bills with the ledger", runReconcile},
		{"report", "--date YYYY-MM-DD [--to YYYY-MM-DD] --out FILE.xlsx [--lang zh|en]: the sales report as a workbook", runReport},
		{"bills", "import --provider alipay|wechat|acquirer FILE: import a bill file by hand", runBills},
		{"resolve", "--who NAME --note TEXT KEY: mark a reconciliation difference resolved", runResolve},
		{"audit", "verify [--from SEQ] [--slip SEQ:HEX] | export [--from SEQ] [--to SEQ] FILE: check or export the audit chain", runAudit},
		{"version", "print the version", runVersion},
		{"decode", "[--json] IMAGE...: decode QR codes and barcodes in images", runDecode},
		{"card-read", "[--json] [--reader NAME]: read a contactless card", runCardRead},
		{"sim", "--addr 127.0.0.1:PORT: run the payment provider simulator", runSim},
	}
}

// Run runs the binary with args (without the program name) and returns the
// exit status: 0 on success, 1 on failure, 2 on bad usage.
func Run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("zhanggui", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", defaultDataDir(), "where the database, backups and logs live")
	fs.Usage = func() { usage(stderr, fs) }
	if err := fs.Parse(args); err != nil {
		return 2
	}
	rest := fs.Args()
	name := "gui"
	if len(rest) > 0 {
		name, rest = rest[0], rest[1:]
	}
	// Flags may also follow the command: zhanggui backup --data-dir D dest.
	rest, err := pullDataDir(rest, dataDir)
	if err != nil {
		fmt.Fprintln(stderr, "zhanggui:", err)
		return 2
	}
	e := &env{stdout: stdout, stderr: stderr, dataDir: *dataDir,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	for _, c := range commands() {
		if c.name == name {
			return c.run(e, rest)
		}
	}
	fmt.Fprintf(stderr, "zhanggui: unknown command %q\n", name)
	usage(stderr, fs)
	return 2
}

// pullDataDir takes --data-dir out of a command's own arguments.
func pullDataDir(args []string, dataDir *string) ([]string, error) {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--data-dir" || a == "-data-dir":
			if i+1 >= len(args) {
				return nil, fmt.Errorf("--data-dir needs a directory")
			}
			*dataDir = args[i+1]
			i++
		case strings.HasPrefix(a, "--data-dir=") || strings.HasPrefix(a, "-data-dir="):
			*dataDir = a[strings.Index(a, "=")+1:]
		default:
			out = append(out, a)
		}
	}
	return out, nil
}

func usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintln(w, "usage: zhanggui [--data-dir DIR] [command] [args]")
	fmt.Fprintln(w, "commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-16s %s\n", c.name, c.usage)
	}
	fs.PrintDefaults()
}

// defaultDataDir follows the XDG convention: $XDG_DATA_HOME/zhanggui, or
// ~/.local/share/zhanggui.
func defaultDataDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "zhanggui")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "zhanggui")
	}
	return "zhanggui-data"
}

func runVersion(e *env, args []string) int {
	fmt.Fprintln(e.stdout, "zhanggui", Version)
	return 0
}
