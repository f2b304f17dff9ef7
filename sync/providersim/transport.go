package providersim

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// routes builds the one mux for every provider.
func (s *Sim) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("/alipay/gateway.do", s.handleAlipay)
	m.HandleFunc("GET /alipay/bill/download", s.handleBillDownload)
	s.wechatV2Routes(m)
	s.wechatV3Routes(m)
	s.acquirerRoutes(m)
	s.customerRoutes(m)
	m.HandleFunc("GET /{$}", s.handleIndex)
	return m
}

// handleIndex lists the endpoints, for a person pointing a browser at it.
func (s *Sim) handleIndex(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "掌柜 provider simulator (sync/providersim)\n\n"+
		"Alipay OpenAPI   POST http://%[1]s/alipay/gateway.do\n"+
		"WeChat Pay v2    POST http://%[1]s/wechat/pay/micropay …\n"+
		"WeChat Pay v3    base http://%[1]s/wechat  (/wechat/v3/…)\n"+
		"Acquirer         POST http://%[1]s/acquirer/v1/…\n"+
		"Demo phone       POST http://%[1]s/customer/…\n"+
		"Credentials      %[2]s\n", r.Host, s.creds.DataDir)
}

// deliver sends an answer the way the behaviour says: after a delay, or
// not at all (the connection is closed after the work was done).
func (s *Sim) deliver(w http.ResponseWriter, r *http.Request, d delivery, write func()) {
	if d.slow > 0 {
		wait(r.Context(), d.slow)
	}
	if d.drop {
		dropConnection(w)
		return
	}
	write()
}

// wait sleeps for d or until ctx ends (the client gave up).
func wait(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 cannot hijack; aborting the handler resets the stream.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close() // nothing to do if closing fails: the client sees an error either way
}
