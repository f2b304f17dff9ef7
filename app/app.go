// Package app is the composition root: it parses the command line, opens
// the data directory, wires storage, devices and providers into the screens
// and runs either the GUI (the default) or a headless command.
package app

import (
	"errors"
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

// command is one subcommand of the binary (the table is in commands.go).
// Its help, which helpAsked and writeHelp print, says what it does, its
// flags, an example and its exit statuses.
type command struct {
	name    string
	summary string   // one line, for `zhanggui help`
	usage   string   // the arguments after the name: "[--json] IMAGE..."
	about   string   // what it does
	example string   // command lines a newcomer can type
	exits   []string // "0  meaning" lines; nil: stdExits
	// flags returns the flag set the command parses (its values go
	// nowhere), so its help lists exactly those flags; nil: none.
	flags func() *flag.FlagSet
	run   func(env *env, args []string) int
}

// env is what every command gets: its output streams, the data directory
// and the command itself (for its usage errors).
type env struct {
	stdout, stderr io.Writer
	dataDir        string
	log            *slog.Logger
	cmd            command
}

// Run runs the binary with args (without the program name) and returns the
// exit status: 0 on success, 1 on failure, 2 on bad usage. A help asked
// for (-h, --help, `help`) goes to stdout with status 0.
func Run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("zhanggui", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // the errors are reported below, the help by writeOverview
	dataDir := fs.String("data-dir", defaultDataDir(), "")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		writeOverview(stdout)
		return 0
	} else if err != nil {
		fmt.Fprintln(stderr, "zhanggui:", err)
		writeOverview(stderr)
		return exitUsage
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
		return exitUsage
	}
	c, ok := lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "zhanggui: unknown command %q\n", name)
		writeOverview(stderr)
		return exitUsage
	}
	if helpAsked(c, rest) {
		writeHelp(stdout, c)
		return 0
	}
	e := &env{stdout: stdout, stderr: stderr, dataDir: *dataDir, cmd: c,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	return c.run(e, rest)
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
	if len(args) > 0 {
		return e.usageError("no arguments, not %q", args)
	}
	fmt.Fprintln(e.stdout, "zhanggui", Version)
	return 0
}
