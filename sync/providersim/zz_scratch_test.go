package providersim
import ("testing";"os";"path/filepath";"time";"strconv";"strings";"net/http";"net/http/httptest")
func TestScratchCorpus(t *testing.T) {
	s := fuzzEnv(t); h := s.Handler()
	files, _ := filepath.Glob("/root/.cache/go-build/fuzz/zhanggui/sync/providersim/FuzzWechatXML/*")
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		lines := strings.SplitN(string(raw), "\n", 3)
		body, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(lines[1]), "string("), ")"))
		if err != nil { t.Log("skip", f, err); continue }
		done := make(chan bool)
		go func() {
			parseV2XML([]byte(body))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/wechat/pay/micropay", strings.NewReader(body)))
			done <- true
		}()
		select { case <-done: case <-time.After(3*time.Second): t.Fatalf("hang on %s: %q", f, body) }
	}
}
