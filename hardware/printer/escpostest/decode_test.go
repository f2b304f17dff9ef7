package escpostest

import (
	"errors"
	"slices"
	"testing"
)

var decodeTests = []struct {
	name  string
	in    []byte
	cmds  []string
	lines []Line
}{
	{"empty", nil, nil, nil},
	{"ascii line", []byte("Hello\n"), []string{"text", "LF"}, []Line{{Text: "Hello"}}},
	{
		"chinese centred bold big",
		[]byte("\x1b@\x1c&\x1ba\x01\x1bE\x01\x1d!\x11\xbf\xc9\xbf\xda\xbf\xc9\xc0\xd6\n"),
		[]string{"ESC @", "FS &", "ESC a", "ESC E", "GS !", "text", "LF"},
		[]Line{{Text: "可口可乐", Align: 1, Bold: true, Size: 0x11}},
	},
	{
		"four-byte GB18030",
		[]byte("\x1c&\x81\x30\x84\x36\x0a"), // ¥
		[]string{"FS &", "text", "LF"},
		[]Line{{Text: "¥"}},
	},
	{
		"ESC @ discards the unprinted line",
		[]byte("lost\x1b@kept\n"),
		[]string{"text", "ESC @", "text", "LF"},
		[]Line{{Text: "kept"}},
	},
	{
		"style taken at the first character",
		[]byte("a\x1bE\x01b\n\x1ba\x32c\n"),
		[]string{"text", "ESC E", "text", "LF", "ESC a", "text", "LF"},
		[]Line{{Text: "ab"}, {Text: "c", Align: 2, Bold: true}},
	},
	{
		"QR store and print",
		[]byte("\x1d(k\x04\x001A2\x00\x1d(k\x03\x001C\x06\x1d(k\x03\x001E1\x1d(k\x05\x001P0hi\x1d(k\x03\x001Q0"),
		[]string{"GS ( k", "GS ( k", "GS ( k", "GS ( k", "GS ( k"},
		[]Line{{QR: "hi"}},
	},
	{
		"drawer, status, cut",
		[]byte("\x1bp\x00\x19\xfa\x10\x04\x01x\x1dVB\x00"),
		[]string{"ESC p", "DLE EOT", "text", "GS V"},
		[]Line{{Text: "x"}},
	},
	{"full cut", []byte("\x1dV\x00"), []string{"GS V"}, nil},
	{"feed lines", []byte("\x1bd\x02"), []string{"ESC d"}, []Line{{}, {}}},
	{"CR and HT", []byte("a\tb\r\n"), []string{"text", "HT", "text", "CR", "LF"}, []Line{{Text: "a b"}}},
	{"text without LF", []byte("tail"), []string{"text"}, []Line{{Text: "tail"}}},
}

func TestDecode(t *testing.T) {
	for _, tt := range decodeTests {
		r, err := Decode(tt.in)
		if err != nil {
			t.Errorf("%s: Decode(% x): %v", tt.name, tt.in, err)
			continue
		}
		var names []string
		for _, c := range r.Commands {
			names = append(names, c.Name)
		}
		if !slices.Equal(names, tt.cmds) {
			t.Errorf("%s: commands %q, want %q", tt.name, names, tt.cmds)
		}
		if !slices.Equal(r.Lines, tt.lines) {
			t.Errorf("%s: lines %+v, want %+v", tt.name, r.Lines, tt.lines)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		off  int
	}{
		{"unknown control", []byte("ab\x01"), 2},
		{"unknown ESC", []byte("\x1bZ"), 0},
		{"truncated ESC", []byte("x\x1b"), 1},
		{"truncated ESC p", []byte("\x1bp\x00\x19"), 0},
		{"bad alignment", []byte("\x1ba\x07"), 0},
		{"bad DLE EOT", []byte("\x10\x04\x09"), 0},
		{"truncated GS ( k", []byte("\x1d(k\x10\x001P0abc"), 0},
		{"QR print with nothing stored", []byte("\x1d(k\x03\x001Q0"), 0},
		{"not QR", []byte("\x1d(k\x03\x002Q0"), 0},
		{"bad cut", []byte("\x1dV\x07"), 0},
		{"Chinese without FS &", []byte("\x1b@\xbf\xc9"), 2},
		{"too big", []byte("\x1d!\x88"), 0},
	}
	for _, tt := range tests {
		_, err := Decode(tt.in)
		var de *Error
		if !errors.As(err, &de) || de.Off != tt.off {
			t.Errorf("%s: Decode(% x) = %v, want an *Error at %d", tt.name, tt.in, err, tt.off)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, tt := range decodeTests {
		f.Add(tt.in)
	}
	f.Add([]byte("\x1d(k\xff\xff1P0"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := Decode(in)
		if r == nil {
			t.Fatalf("Decode returned a nil Receipt (err %v)", err)
		}
		// The commands tile the input up to the error, or all of it.
		end := len(in)
		var de *Error
		if errors.As(err, &de) {
			end = de.Off
		} else if err != nil {
			t.Fatalf("Decode error %T %v, want *Error", err, err)
		}
		off := 0
		for _, c := range r.Commands {
			if c.Off != off || c.Len <= 0 {
				t.Fatalf("command %s at %d, %d bytes: want it at %d", c.Name, c.Off, c.Len, off)
			}
			off += c.Len
		}
		if off != end {
			t.Fatalf("commands cover %d bytes, want %d", off, end)
		}
	})
}
