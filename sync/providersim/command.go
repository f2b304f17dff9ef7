package providersim

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
)

// RunSimCommand runs `zhanggui sim --addr 127.0.0.1:PORT [--data-dir DIR]`
// (args are those after "sim"): it prints the addresses and where the
// credentials are, serves the simulator until SIGINT or SIGTERM and
// returns the exit status (0 after a clean stop, 1 on failure, 2 on bad
// arguments or a non-loopback address).
func RunSimCommand(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runSim(ctx, args, stdout, stderr)
}

// runSim is RunSimCommand until ctx ends.
func runSim(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o simOptions
	fs := newSimFlags(&o)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "providersim: unexpected %q\n", fs.Args())
		return 2
	}
	addr, dir := &o.addr, &o.dir
	if err := checkLoopback(*addr); err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if *dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			fmt.Fprintf(stderr, "providersim: no --data-dir and no user config dir: %v\n", err)
			return 2
		}
		*dir = filepath.Join(base, "zhanggui", "providersim")
	}
	s, err := New(Config{DataDir: *dir})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "providersim: listen %s: %v\n", *addr, err)
		return 1
	}
	printBanner(stdout, "http://"+ln.Addr().String(), s.Credentials())
	if err := s.Serve(ctx, ln); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintln(stdout, "providersim: stopped")
	return 0
}

// simOptions are the flags of sim.
type simOptions struct{ addr, dir string }

// SimFlags is the flag set RunSimCommand parses, for the command's help
// (app prints it); the values it sets go nowhere.
func SimFlags() *flag.FlagSet { return newSimFlags(new(simOptions)) }

func newSimFlags(o *simOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8090", "loopback `host:port` to serve on (port 0 picks a free one)")
	fs.StringVar(&o.dir, "data-dir", "", "`directory` of the simulator's keys (default: the user config dir, zhanggui/providersim)")
	return fs
}

// checkLoopback refuses addresses other machines could reach: the
// simulator has test keys and no access control.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("providersim: --addr %q: %v", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return errors.New("providersim: --addr must be a loopback address such as 127.0.0.1:8090")
	}
	return nil
}

func printBanner(w io.Writer, base string, c Credentials) {
	fmt.Fprintf(w, "掌柜 provider simulator listening on %s\n", base)
	fmt.Fprintf(w, "  Alipay gateway   %s/alipay/gateway.do       app_id %s\n", base, c.Alipay.AppID)
	fmt.Fprintf(w, "  WeChat Pay       %s/wechat  (v2 /pay/…, v3 /v3/…)  mchid %s appid %s\n", base, c.WeChat.MchID, c.WeChat.AppID)
	fmt.Fprintf(w, "  Acquirer         %s/acquirer/v1/…          merchant %s\n", base, c.Acquirer.MerchantID)
	fmt.Fprintf(w, "  Demo phone       %s/customer/…\n", base)
	fmt.Fprintf(w, "Credentials written to %s (and one PEM file per key beside it)\n",
		filepath.Join(c.DataDir, credentialsFile))
	fmt.Fprintln(w, "Stop with Ctrl+C.")
}
