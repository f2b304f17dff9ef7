package printertest

import (
	"bytes"
	"net"
	"testing"

	"zhanggui/hardware/printer"
)

var scanTests = []struct {
	name    string
	in      []byte
	job     []byte
	queries []byte
}{
	{"plain", []byte("abc"), []byte("abc"), nil},
	{"one query", []byte("\x10\x04\x01"), nil, []byte{1}},
	{"query in data", []byte("a\x10\x04\x04b"), []byte("ab"), []byte{4}},
	{"n out of range", []byte("\x10\x04\x05"), []byte("\x10\x04\x05"), nil},
	{"DLE not EOT", []byte("\x10\x00"), []byte("\x10\x00"), nil},
	{"QR length 0x0410", []byte("\x1d(k\x10\x041P0"), []byte("\x1d(k\x10\x041P0"), nil},
	{"DLE DLE EOT n", []byte("\x10\x10\x04\x02"), []byte("\x10"), []byte{2}},
	{"DLE EOT DLE EOT n", []byte("\x10\x04\x10\x04\x03"), []byte("\x10\x04"), []byte{3}},
	{"trailing DLE held", []byte("a\x10"), []byte("a"), nil},
}

func TestScanner(t *testing.T) {
	for _, tt := range scanTests {
		job, queries := scanAll(tt.in)
		if !bytes.Equal(job, tt.job) || !bytes.Equal(queries, tt.queries) {
			t.Errorf("%s: scan(% x) = job % x, queries %v; want % x, %v", tt.name, tt.in, job, queries, tt.job, tt.queries)
		}
	}
}

func scanAll(in []byte) (job, queries []byte) {
	var sc scanner
	for _, c := range in {
		var q byte
		if job, q = sc.feed(job, c); q != 0 {
			queries = append(queries, q)
		}
	}
	return job, queries
}

// FuzzScanner checks the streaming scanner against a plain one that sees
// the whole input at once.
func FuzzScanner(f *testing.F) {
	for _, tt := range scanTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		job, queries := scanAll(in)
		var wantJob, wantQueries []byte
		for i := 0; i < len(in); i++ {
			if i+2 < len(in) && in[i] == dle && in[i+1] == eot && in[i+2] >= 1 && in[i+2] <= 4 {
				wantQueries = append(wantQueries, in[i+2])
				i += 2
				continue
			}
			wantJob = append(wantJob, in[i])
		}
		// A DLE or DLE EOT at the very end is held back, waiting for more.
		switch {
		case bytes.HasSuffix(in, []byte{dle, eot}):
			wantJob = wantJob[:len(wantJob)-2]
		case bytes.HasSuffix(in, []byte{dle}):
			wantJob = wantJob[:len(wantJob)-1]
		}
		if !bytes.Equal(job, wantJob) || !bytes.Equal(queries, wantQueries) {
			t.Errorf("scan(% x) = % x, %v; want % x, %v", in, job, queries, wantJob, wantQueries)
		}
	})
}

// TestReplyParses checks the server's status bytes read back, through
// printer.ParseStatus, as the status set: two independent encodings agree.
func TestReplyParses(t *testing.T) {
	for _, want := range []printer.Status{
		{Online: true},
		{Online: true, DrawerOpen: true, PaperNearEnd: true},
		{PaperEnd: true, PaperNearEnd: true},
		{CoverOpen: true},
		{Error: true},
		{CoverOpen: true, PaperEnd: true, Error: true, DrawerOpen: true},
	} {
		replies := []byte{reply(1, want), reply(2, want), reply(3, want), reply(4, want)}
		got, err := printer.ParseStatus(replies)
		if err != nil || got != want {
			t.Errorf("ParseStatus(replies for %+v) = %+v, %v", want, got, err)
		}
	}
}

func TestServerModes(t *testing.T) {
	s := NewServer(t)
	s.FailNext(1, Hangup)
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := c.Read(make([]byte, 1)); n != 0 {
		t.Errorf("read %d bytes from a hung-up connection", n)
	}
	c.Close()

	s.SetMode(Refuse)
	if c, err := net.Dial("tcp", s.Addr()); err == nil {
		c.Close()
		t.Errorf("Dial while refusing succeeded")
	}
	s.SetMode(Normal)
	c, err = net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatalf("Dial after Refuse: %v", err)
	}
	if _, err := c.Write([]byte("job\x10\x04\x01")); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	if _, err := c.Read(b); err != nil || b[0] != 0x12 {
		t.Errorf("status reply = % x, %v; want 12", b, err)
	}
	c.Close()
	if jobs := s.WaitJobs(1); string(jobs[0]) != "job" {
		t.Errorf("jobs = %q, want [job]", jobs)
	}
	if got := string(s.Received()); got != "job\x10\x04\x01" {
		t.Errorf("Received() = %q", got)
	}
}
