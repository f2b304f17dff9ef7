package providersim

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the command's goroutine and the
// test; banner is closed once the banner's last line is written.
type syncBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	banner chan struct{}
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.b.Write(p)
	if s.banner != nil && strings.Contains(s.b.String(), "Stop with Ctrl+C") {
		close(s.banner)
		s.banner = nil
	}
	return n, err
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunSim(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	banner := make(chan struct{})
	out, errOut := syncBuffer{banner: banner}, syncBuffer{}
	done := make(chan int)
	go func() { done <- runSim(ctx, []string{"--addr", "127.0.0.1:0", "--data-dir", dir}, &out, &errOut) }()
	select {
	case <-banner:
	case code := <-done:
		t.Fatalf("runSim exited with %d: %q", code, errOut.String())
	case <-time.After(20 * time.Second):
		t.Fatal("no banner after 20 s")
	}
	m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no address printed: %q", out.String())
	}
	base := m[1]
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "/alipay/gateway.do") {
		t.Errorf("index page %q", body)
	}
	if !strings.Contains(out.String(), filepath.Join(dir, "credentials.json")) {
		t.Errorf("banner does not say where the credentials are: %q", out.String())
	}
	for _, f := range []string{"credentials.json", "alipay_app_private_key.pem", "wechat_pub_key.pem", "wechat_apiclient_cert.pem"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %v", f, st, err)
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit status %d, stderr %q", code, errOut.String())
	}

	// A second start loads the same keys.
	s, err := New(Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), s.Credentials().Alipay.AppID) {
		t.Errorf("keys changed on restart")
	}
}

func TestRunSimArgs(t *testing.T) {
	for _, args := range [][]string{{"--addr", "0.0.0.0:8090"}, {"--addr", ":8090"}, {"--addr", "192.168.1.2:80"}, {"--nope"}} {
		var out, errOut syncBuffer
		if code := runSim(context.Background(), args, &out, &errOut); code != 2 {
			t.Errorf("runSim(%q) = %d, want 2", args, code)
		}
	}
}
