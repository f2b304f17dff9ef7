package providersim
import ("testing";"time";"fmt";"net/http";"strings";"io";"net/http/httptest";"sync/atomic")
func TestScratchLatency(t *testing.T) {
	s, _ := New(Config{DataDir: sharedDir, CodeTTL: time.Hour})
	e := &env{sim: s}
	_ = e
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	c := benchClientT(s, srv.URL)
	hc := &http.Client{}
	for i := 0; i < 10; i++ {
		form := signedPay(c, fmt.Sprint("L", i), s.NewPaymentCode(Alipay, "x"))
		t0 := time.Now()
		resp, err := hc.Post(c.gateway, "application/x-www-form-urlencoded", strings.NewReader(form))
		if err != nil { t.Fatal(err) }
		t1 := time.Now()
		io.ReadAll(resp.Body); resp.Body.Close()
		t.Log(t1.Sub(t0), time.Since(t1))
	}
	t0 := time.Now()
	for i := 0; i < 10; i++ { signRSA(c.key, []byte("hello")) }
	t.Log("sign", time.Since(t0)/10)
}

func benchClientT(s *Sim, u string) *alipayClient {
	cred := s.Credentials().Alipay
	key, _ := ParsePrivateKey(cred.AppPrivateKeyPEM)
	pub, _ := ParsePublicKey(cred.AlipayPublicKeyPEM)
	return &alipayClient{gateway: u + "/alipay/gateway.do", appID: cred.AppID, key: key, alipay: pub}
}
func TestScratchParallel(t *testing.T) {
	s, _ := New(Config{DataDir: sharedDir, CodeTTL: time.Hour})
	var tot, cnt atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now(); s.Handler().ServeHTTP(w, r); tot.Add(int64(time.Since(t0))); cnt.Add(1) }))
	defer func() { t.Log("server avg", time.Duration(tot.Load()/cnt.Load())) }()
	defer srv.Close()
	c := benchClientT(s, srv.URL)
	hc := &http.Client{}
	forms := make([]string, 400)
	for i := range forms { forms[i] = signedPay(c, fmt.Sprint("L", i), s.NewPaymentCode(Alipay, "x")) }
	done := make(chan bool)
	t0 := time.Now()
	for g := 0; g < 2; g++ {
		go func(g int) {
			for i := g; i < 400; i += 2 {
				resp, err := hc.Post(c.gateway, "application/x-www-form-urlencoded", strings.NewReader(forms[i]))
				if err != nil { t.Error(err); break }
				io.ReadAll(resp.Body); resp.Body.Close()
			}
			done <- true
		}(g)
	}
	<-done; <-done
	t.Log(time.Since(t0)/400, "per pay")
}
