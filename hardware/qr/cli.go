package qr

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"io"
	"strconv"
	"strings"
	"time"
)

// Exit statuses of RunDecodeCommand.
const (
	ExitOK       = 0 // every image decoded
	ExitNotFound = 1 // some image had no code or could not be read
	ExitUsage    = 2 // bad arguments
)

// decodeLine is one image's outcome in --json output.
type decodeLine struct {
	File   string   `json:"file"`
	Text   string   `json:"text"`
	Format string   `json:"format"`
	Points [][2]int `json:"points"`
	MS     float64  `json:"ms"`
	Error  string   `json:"error"`
}

// RunDecodeCommand implements `zhanggui decode [--json] IMAGE...`.
//
// For each image it prints one line to stdout,
// path<TAB>text<TAB>format<TAB>x,y;x,y...<TAB>elapsed, or with --json one
// object {file,text,format,points,ms,error}. Without --json, images with no
// code go to stderr as "path: error". The status is ExitOK if every image
// decoded, ExitNotFound if any did not, ExitUsage on bad arguments.
func RunDecodeCommand(args []string, stdout, stderr io.Writer) int {
	var asJSON bool
	fs := newDecodeFlags(&asJSON)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: zhanggui decode [--json] IMAGE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "decode: name at least one IMAGE")
		fs.Usage()
		return ExitUsage
	}
	dec := NewDecoder(Options{Budget: -1})
	status := ExitOK
	enc := json.NewEncoder(stdout)
	for _, path := range fs.Args() {
		res, elapsed, err := decodePath(dec, path)
		if err != nil {
			status = ExitNotFound
		}
		if asJSON {
			_ = enc.Encode(jsonLine(path, res, elapsed, err)) // nothing to do about a broken stdout
			continue
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", path, err)
			continue
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\t%s\n", path, res.Text, res.Format,
			formatPoints(res.Points), elapsed.Round(10*time.Microsecond))
	}
	return status
}

// DecodeFlags is the flag set RunDecodeCommand parses, for the command's
// help (app prints it); the values it sets go nowhere.
func DecodeFlags() *flag.FlagSet { return newDecodeFlags(new(bool)) }

func newDecodeFlags(asJSON *bool) *flag.FlagSet {
	fs := flag.NewFlagSet("decode", flag.ContinueOnError)
	fs.BoolVar(asJSON, "json", false, "print one JSON object per image")
	return fs
}

// decodePath loads and decodes one image; elapsed is the decoding only.
func decodePath(dec *Decoder, path string) (res Result, elapsed time.Duration, err error) {
	img, err := LoadImage(path)
	if err != nil {
		return Result{}, 0, err
	}
	start := time.Now()
	res, err = dec.Decode(img)
	return res, time.Since(start), err
}

func jsonLine(path string, res Result, elapsed time.Duration, err error) decodeLine {
	l := decodeLine{File: path, Text: res.Text, Format: res.Format, Points: [][2]int{},
		MS: float64(elapsed.Microseconds()) / 1000}
	for _, p := range res.Points {
		l.Points = append(l.Points, [2]int{p.X, p.Y})
	}
	if err != nil {
		l.Error = err.Error()
	}
	return l
}

// formatPoints writes points as x,y;x,y.
func formatPoints(pts []image.Point) string {
	parts := make([]string, len(pts))
	for i, p := range pts {
		parts[i] = strconv.Itoa(p.X) + "," + strconv.Itoa(p.Y)
	}
	return strings.Join(parts, ";")
}
