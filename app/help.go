package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// The shape of every command's help, printed by `zhanggui help NAME` and
// `zhanggui NAME -h` (to stdout, exit 0): the usage line, what it does, its
// flags (read from the flag set the command itself parses, so the help
// cannot drift from it), an example and the exit statuses. A usage error
// goes to stderr with the usage line and exits 2.

// exitUsage is the status of a usage error.
const exitUsage = 2

// stdExits are the statuses of a command that does not list its own.
var stdExits = []string{
	"0  done",
	"1  failed; the reason is on stderr and nothing was changed by halves",
	"2  bad usage",
}

// globalFlag is the flag every command takes, before or after its name.
const globalFlag = "  --data-dir DIR      where the database, backups, key files and log live\n" +
	"                      (default: $XDG_DATA_HOME/zhanggui or ~/.local/share/zhanggui)"

// writeHelp prints c's help.
func writeHelp(w io.Writer, c command) {
	fmt.Fprintf(w, "usage: zhanggui [--data-dir DIR] %s\n\n", strings.TrimSpace(c.name+" "+c.usage))
	fmt.Fprintln(w, indent(c.about))
	fmt.Fprintln(w, "\nFlags:")
	if c.flags != nil {
		writeFlags(w, c.flags())
	}
	fmt.Fprintln(w, globalFlag)
	fmt.Fprintln(w, "\nExample:")
	fmt.Fprintln(w, indent(c.example))
	fmt.Fprintln(w, "\nExit status:")
	exits := c.exits
	if exits == nil {
		exits = stdExits
	}
	fmt.Fprintln(w, indent(strings.Join(exits, "\n")))
}

// writeFlags lists fs's flags as --name VALUE and their meaning. The
// simulator's own --data-dir is the global one (runSim sets it).
func writeFlags(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name == "data-dir" {
			return
		}
		arg, usage := flag.UnquoteUsage(f) // "string", or the `name` in the usage
		if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); isBool {
			arg = ""
		} else if !strings.ContainsAny(arg, ".:") {
			arg = strings.ToUpper(arg) // DAY, NAME, DURATION
		}
		name := strings.TrimSpace("--" + f.Name + " " + arg)
		if f.DefValue != "" && f.DefValue != "false" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "  %-19s %s\n", name, usage)
	})
}

// writeOverview prints the list of commands, for `zhanggui help`.
func writeOverview(w io.Writer) {
	fmt.Fprintln(w, "usage: zhanggui [--data-dir DIR] [COMMAND] [ARGS]")
	fmt.Fprintln(w, "\n掌柜 Zhanggui, a cashier for small shops. With no command it opens the till.")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-16s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nFlags:")
	fmt.Fprintln(w, globalFlag)
	fmt.Fprintln(w, "\n`zhanggui help COMMAND` or `zhanggui COMMAND -h` tells more about a command.")
	fmt.Fprintln(w, "Exit status: 0 done, 1 failed, 2 bad usage (reconcile: 2 while differences remain).")
}

// usageError reports bad usage of the running command on stderr.
func (e *env) usageError(format string, args ...any) int {
	fmt.Fprintf(e.stderr, "zhanggui %s: %s\n", e.cmd.name, fmt.Sprintf(format, args...))
	fmt.Fprintf(e.stderr, "usage: zhanggui %s\n", strings.TrimSpace(e.cmd.name+" "+e.cmd.usage))
	fmt.Fprintf(e.stderr, "Run 'zhanggui help %s' for more.\n", e.cmd.name)
	return exitUsage
}

// helpAsked reports whether args ask for c's help: -h, -help or --help as
// a flag (not as the value of one, as in --note -h), before or after the
// positional arguments, and before a "--".
func helpAsked(c command, args []string) bool {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	if c.flags != nil {
		fs = c.flags()
	}
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if i := slices.Index(args, "--"); i >= 0 {
		args = args[:i]
	}
	for {
		err := fs.Parse(args)
		switch {
		case errors.Is(err, flag.ErrHelp):
			return true
		case err != nil || fs.NArg() == 0:
			return false // the command reports a bad flag itself
		}
		args = fs.Args()[1:] // past a positional argument: flags may follow it
	}
}

// runHelp is `zhanggui help [COMMAND]`.
func runHelp(e *env, args []string) int {
	switch len(args) {
	case 0:
		writeOverview(e.stdout)
		return 0
	case 1:
		if c, ok := lookup(args[0]); ok {
			writeHelp(e.stdout, c)
			return 0
		}
		fmt.Fprintf(e.stderr, "zhanggui help: unknown command %q\n", args[0])
		writeOverview(e.stderr)
		return exitUsage
	}
	return e.usageError("one command at a time, not %q", args)
}

// lookup finds a command by name.
func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// indent indents every line of s by two spaces.
func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n  ")
}
