package beep

import (
	"bytes"
	"encoding/binary"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// wavHeader is the fields of a canonical 44-byte PCM WAV header.
type wavHeader struct {
	riff, wave, fmtID, dataID          string
	riffSize, fmtSize, rate, byteRate  uint32
	format, channels, blockAlign, bits uint16
	dataSize                           uint32
}

func readHeader(t *testing.T, b []byte) wavHeader {
	t.Helper()
	if len(b) < 44 {
		t.Fatalf("WAV of %d bytes", len(b))
	}
	le := binary.LittleEndian
	return wavHeader{riff: string(b[0:4]), riffSize: le.Uint32(b[4:]), wave: string(b[8:12]),
		fmtID: string(b[12:16]), fmtSize: le.Uint32(b[16:]), format: le.Uint16(b[20:]), channels: le.Uint16(b[22:]),
		rate: le.Uint32(b[24:]), byteRate: le.Uint32(b[28:]), blockAlign: le.Uint16(b[32:]), bits: le.Uint16(b[34:]),
		dataID: string(b[36:40]), dataSize: le.Uint32(b[40:])}
}

func TestWAVHeaderAndLength(t *testing.T) {
	for _, tc := range []struct {
		name    string
		tones   []Tone
		rate    int
		samples int
	}{
		{"ok", OK, SampleRate, SampleRate * 80 / 1000},
		{"error", Error, SampleRate, SampleRate*140/1000*2 + SampleRate*70/1000},
		{"8k", []Tone{{Freq: 1000, Dur: time.Second}}, 8000, 8000},
		{"empty", nil, SampleRate, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := WAV(tc.tones, tc.rate)
			h := readHeader(t, b)
			want := wavHeader{riff: "RIFF", wave: "WAVE", fmtID: "fmt ", dataID: "data",
				riffSize: uint32(36 + 2*tc.samples), fmtSize: 16, rate: uint32(tc.rate), byteRate: uint32(2 * tc.rate),
				format: 1, channels: 1, blockAlign: 2, bits: 16, dataSize: uint32(2 * tc.samples)}
			if h != want {
				t.Errorf("header\n got %+v\nwant %+v", h, want)
			}
			if len(b) != 44+2*tc.samples {
				t.Errorf("len = %d, want %d", len(b), 44+2*tc.samples)
			}
		})
	}
}

// pcm returns the samples of a WAV made by WAV.
func pcm(b []byte) []int16 {
	out := make([]int16, (len(b)-44)/2)
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(b[44+2*i:]))
	}
	return out
}

// TestWAVFrequency counts zero crossings: a sine of f Hz crosses zero 2f
// times a second.
func TestWAVFrequency(t *testing.T) {
	for _, f := range []float64{440, 1000, 2000, 3150} {
		s := pcm(WAV([]Tone{{Freq: f, Dur: 500 * time.Millisecond}}, SampleRate))
		crossings := 0
		for i := 1; i < len(s); i++ {
			if (s[i-1] < 0) != (s[i] < 0) {
				crossings++
			}
		}
		got := float64(crossings) / 2 / 0.5
		if got < f*0.98 || got > f*1.02 {
			t.Errorf("%v Hz tone measures %v Hz", f, got)
		}
	}
}

func TestWAVFadesAndGaps(t *testing.T) {
	s := pcm(WAV(Error, SampleRate))
	if s[0] != 0 || s[len(s)-1] != 0 {
		t.Errorf("tone starts at %d and ends at %d: it will click", s[0], s[len(s)-1])
	}
	gap := SampleRate*140/1000 + SampleRate*35/1000 // the middle of the silence
	if s[gap] != 0 {
		t.Errorf("sample %d in the gap is %d", gap, s[gap])
	}
	peak := int16(0)
	for _, v := range s {
		peak = max(peak, v)
	}
	if peak < amplitude*9/10 || peak > amplitude {
		t.Errorf("peak %d, want near %d", peak, amplitude)
	}
}

// fakePlayer writes a script that copies its standard input to out, after
// sleeping for delay; it stands in for aplay.
func fakePlayer(t *testing.T, out string, delay string, fail bool) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fakeplay")
	script := "#!/bin/sh\nsleep " + delay + "\ncat > " + out + "\n"
	if fail {
		script = "#!/bin/sh\necho 'no soundcards found' >&2\nexit 1\n"
	}
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestPlayerPipesWAVOneAtATime(t *testing.T) {
	out := filepath.Join(t.TempDir(), "played.wav")
	p := New(Options{Players: [][]string{{fakePlayer(t, out, "0.3", false)}}, Log: quiet()})
	p.played = make(chan error, 2)
	if !p.Play(OK) {
		t.Fatal("the first beep did not start")
	}
	if p.Play(Error) {
		t.Error("a second beep started while the first still played")
	}
	if err := <-p.played; err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil || !bytes.Equal(got, WAV(OK, SampleRate)) {
		t.Fatalf("the player got %d bytes (%v), want the OK beep's WAV", len(got), err)
	}
	if !p.Play(Error) {
		t.Error("no beep after the first ended")
	}
	<-p.played
}

func TestPlayerWithoutSoundIsSilent(t *testing.T) {
	var nilPlayer *Player
	if nilPlayer.Play(OK) {
		t.Error("a nil player played")
	}
	none := New(Options{Players: [][]string{{"zhanggui-no-such-player"}}, Log: quiet()})
	none.Scan(true)
	if none.Play(OK) {
		t.Error("a player with no command played")
	}
	// A player that fails (no sound device) is not tried again.
	p := New(Options{Players: [][]string{{fakePlayer(t, "", "0", true)}}, Log: quiet()})
	p.played = make(chan error, 1)
	if !p.Play(OK) {
		t.Fatal("the failing player was not tried")
	}
	if err := <-p.played; err == nil {
		t.Error("a failing player reported success")
	}
	if p.Play(OK) {
		t.Error("a failed player was tried again")
	}
}

func BenchmarkWAV(b *testing.B) {
	for b.Loop() {
		WAV(Error, SampleRate)
	}
}
