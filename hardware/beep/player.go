package beep

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultPlayers are the commands tried, in order, each reading a WAV file
// on standard input: PulseAudio/PipeWire first (it shares the device with
// other programs), then ALSA's aplay.
var DefaultPlayers = [][]string{{"paplay"}, {"aplay", "-q", "-"}}

// playTimeout bounds one beep, so a hung sound server cannot keep the
// player busy for good.
const playTimeout = 3 * time.Second

// Options configure a Player; zero fields take defaults.
type Options struct {
	Players [][]string   // commands to try; nil means DefaultPlayers
	Log     *slog.Logger // nil means slog.Default()
}

// Player plays tones through the first command that works. It is safe for
// concurrent use.
type Player struct {
	log     *slog.Logger
	players [][]string // found on the PATH, in order of preference

	busy     atomic.Bool
	mu       sync.Mutex
	broken   map[int]bool // players that failed: not tried again
	silenced sync.Once    // logs "no sound" once
	played   chan error   // test hook: each finished play's outcome, when not nil
}

// New finds the players installed. A Player with none does nothing.
func New(opts Options) *Player {
	if opts.Players == nil {
		opts.Players = DefaultPlayers
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	p := &Player{log: opts.Log, broken: map[int]bool{}}
	for _, cmd := range opts.Players {
		if path, err := exec.LookPath(cmd[0]); err == nil {
			p.players = append(p.players, append([]string{path}, cmd[1:]...))
		}
	}
	return p
}

// OK plays the scan-taken beep.
func (p *Player) OK() { p.Play(OK) }

// Error plays the scan-refused beep.
func (p *Player) Error() { p.Play(Error) }

// Scan plays OK when ok, else Error: the shape the screens take.
func (p *Player) Scan(ok bool) {
	if ok {
		p.OK()
		return
	}
	p.Error()
}

// Play starts tones and returns at once. It reports whether they started:
// not when another beep still plays, or when no player works.
func (p *Player) Play(tones []Tone) bool {
	if p == nil {
		return false
	}
	idx := p.next()
	if idx < 0 {
		p.silent("no sound player (install alsa-utils or pulseaudio-utils)")
		return false
	}
	if !p.busy.CompareAndSwap(false, true) {
		return false
	}
	go func() {
		defer p.busy.Store(false)
		err := p.run(idx, WAV(tones, SampleRate)) // made here: the caller is the UI
		if p.played != nil {
			p.played <- err
		}
	}()
	return true
}

// next is the index of the first player not known to fail, or -1.
func (p *Player) next() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := range p.players {
		if !p.broken[i] {
			return i
		}
	}
	return -1
}

// run plays wav through player idx. A player that fails by itself (no
// sound device, no sound server) is retired; one that was only slow (a
// busy sound server, killed at playTimeout) is tried again next time.
func (p *Player) run(idx int, wav []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), playTimeout)
	defer cancel()
	argv := p.players[idx]
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdin = bytes.NewReader(wav)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() == nil {
			p.mu.Lock()
			p.broken[idx] = true
			p.mu.Unlock()
		}
		err = fmt.Errorf("beep: %s: %w: %s", argv[0], err, bytes.TrimSpace(stderr.Bytes()))
		p.log.Debug("sound player failed", "err", err)
		return err
	}
	return nil
}

// silent logs once that the till has no sound.
func (p *Player) silent(why string) {
	p.silenced.Do(func() { p.log.Debug("beep: silent", "why", why) })
}
