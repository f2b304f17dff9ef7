package providersim

import "net/http"

type simCard struct{}
type cardAuth struct{}

func (s *Sim) acquirerRoutes(m *http.ServeMux) {}
func (s *Sim) customerRoutes(m *http.ServeMux) {}
