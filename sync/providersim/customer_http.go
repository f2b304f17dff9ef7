package providersim

import (
	"encoding/json"
	"errors"
	"net/http"
)

// The demo phone's HTTP side of the customer API, for a demo page or a
// second device on the same machine. It carries no authentication: the
// simulator serves loopback only, and these calls stand for what a
// customer does on their own phone.
//
//	POST /customer/code?provider=alipay|wechat|unionpay|ecny&user=ID → {"code": "…"}
//	POST /customer/scan?out_trade_no=…                                → {}
//	POST /customer/pay?out_trade_no=…[&user=ID]                       → {}
//	POST /customer/password?out_trade_no=…&ok=true|false              → {}
//	GET  /customer/balance?user=ID                                    → {"balance_fen": n}
//
// Errors answer 404 (no such order or user), 409 (not payable now) or 402
// (insufficient balance) with {"error": "…"}.
func (s *Sim) customerRoutes(m *http.ServeMux) {
	m.HandleFunc("POST /customer/code", func(w http.ResponseWriter, r *http.Request) {
		p := Provider(r.URL.Query().Get("provider"))
		if p != Alipay && p != WeChat && p != UnionPay && p != ECNY {
			writeCustomer(w, errors.New("providersim: provider must be alipay, wechat, unionpay or ecny"), nil)
			return
		}
		writeCustomer(w, nil, obj{{"code", s.NewPaymentCode(p, userParam(r))}})
	})
	m.HandleFunc("POST /customer/scan", func(w http.ResponseWriter, r *http.Request) {
		writeCustomer(w, s.CustomerScan(r.URL.Query().Get("out_trade_no")), obj{})
	})
	m.HandleFunc("POST /customer/pay", func(w http.ResponseWriter, r *http.Request) {
		writeCustomer(w, s.CustomerPayAs(r.URL.Query().Get("out_trade_no"), userParam(r)), obj{})
	})
	m.HandleFunc("POST /customer/password", func(w http.ResponseWriter, r *http.Request) {
		no := r.URL.Query().Get("out_trade_no")
		if r.URL.Query().Get("ok") == "false" {
			writeCustomer(w, s.CustomerCancel(no), obj{})
			return
		}
		writeCustomer(w, s.CustomerConfirmPassword(no), obj{})
	})
	m.HandleFunc("GET /customer/balance", func(w http.ResponseWriter, r *http.Request) {
		f, err := s.Balance(userParam(r))
		writeCustomer(w, err, obj{{"balance_fen", int64(f)}})
	})
}

func userParam(r *http.Request) string {
	if u := r.URL.Query().Get("user"); u != "" {
		return u
	}
	return DemoUser
}

func writeCustomer(w http.ResponseWriter, err error, o obj) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if err != nil {
		status := http.StatusBadRequest
		switch {
		case errors.Is(err, ErrNoSuchOrder), errors.Is(err, ErrNoSuchUser):
			status = http.StatusNotFound
		case errors.Is(err, ErrInsufficient):
			status = http.StatusPaymentRequired
		case errors.Is(err, ErrNotPayable), errors.Is(err, ErrQRExpired), errors.Is(err, ErrAmbiguous):
			status = http.StatusConflict
		}
		w.WriteHeader(status)
		b, _ := json.Marshal(map[string]string{"error": err.Error()})
		_, _ = w.Write(b) // the client's problem if it went away
		return
	}
	_, _ = w.Write(o.appendJSON(nil)) // the client's problem if it went away
}
