// Package beep gives the counter audible feedback: a short high tone when a
// scan is taken, a distinct low double tone when it is refused.
//
// Fyne has no audio, and a till should not need a sound library for two
// beeps: the tones are made here as 16-bit PCM WAV in memory and piped to
// the system's player (paplay for PulseAudio/PipeWire, else aplay from
// alsa-utils). Playing never blocks and never queues: a beep asked for
// while one still plays is dropped, because a late beep misleads the
// cashier more than a missing one. Without a player or a sound device the
// package does nothing, and says so once in the log at debug level.
package beep

import (
	"encoding/binary"
	"math"
	"time"
)

// A Tone is one sine tone; a Tone with Freq 0 is silence.
type Tone struct {
	Freq float64       // Hz
	Dur  time.Duration // length
}

// The counter's two sounds.
var (
	// OK is a short high beep, like a barcode gun's.
	OK = []Tone{{Freq: 2000, Dur: 80 * time.Millisecond}}
	// Error is two lower beeps with a gap: clearly not OK, even in a noisy shop.
	Error = []Tone{{Freq: 440, Dur: 140 * time.Millisecond}, {Dur: 70 * time.Millisecond},
		{Freq: 440, Dur: 140 * time.Millisecond}}
)

// SampleRate is the rate WAV writes at: every player takes it.
const SampleRate = 22050

// amplitude is the peak level: about half scale, loud but not clipped.
const amplitude = 16000

// fadeSamples ramps each tone in and out (about 2 ms) so it does not click.
const fadeSamples = 44

// WAV renders tones as a mono 16-bit PCM RIFF/WAVE file at rate samples
// per second.
func WAV(tones []Tone, rate int) []byte {
	pcm := samples(tones, rate)
	le := binary.LittleEndian
	b := make([]byte, 0, 44+2*len(pcm))
	b = append(b, "RIFF"...)
	b = le.AppendUint32(b, uint32(36+2*len(pcm)))
	b = append(b, "WAVEfmt "...)
	b = le.AppendUint32(b, 16)           // fmt chunk size
	b = le.AppendUint16(b, 1)            // PCM
	b = le.AppendUint16(b, 1)            // mono
	b = le.AppendUint32(b, uint32(rate)) // sample rate
	b = le.AppendUint32(b, uint32(2*rate))
	b = le.AppendUint16(b, 2)  // block align
	b = le.AppendUint16(b, 16) // bits per sample
	b = append(b, "data"...)
	b = le.AppendUint32(b, uint32(2*len(pcm)))
	for _, s := range pcm {
		b = le.AppendUint16(b, uint16(s))
	}
	return b
}

// samples renders tones one after another.
func samples(tones []Tone, rate int) []int16 {
	n := 0
	for _, t := range tones {
		n += int(t.Dur.Seconds() * float64(rate))
	}
	out := make([]int16, 0, n)
	for _, t := range tones {
		n := int(t.Dur.Seconds() * float64(rate))
		for i := range n {
			if t.Freq == 0 {
				out = append(out, 0)
				continue
			}
			v := amplitude * math.Sin(2*math.Pi*t.Freq*float64(i)/float64(rate))
			out = append(out, int16(v*fade(i, n)))
		}
	}
	return out
}

// fade is the gain at sample i of n: a short linear ramp at both ends.
func fade(i, n int) float64 {
	edge := min(i, n-1-i)
	if edge >= fadeSamples {
		return 1
	}
	return float64(edge) / fadeSamples
}
