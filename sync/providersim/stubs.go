package providersim

import "net/http"

type billFile struct{}
type simCard struct{}
type cardAuth struct{}

func (s *Sim) wechatV2Routes(m *http.ServeMux)                           {}
func (s *Sim) wechatV3Routes(m *http.ServeMux)                           {}
func (s *Sim) acquirerRoutes(m *http.ServeMux)                           {}
func (s *Sim) customerRoutes(m *http.ServeMux)                           {}
func (s *Sim) handleBillDownload(w http.ResponseWriter, r *http.Request) {}
func (s *Sim) alipayBillURL(biz *alipayBiz) (obj, delivery) {
	return alipayFail("isp.bill_not_exist", "账单不存在"), delivery{}
}
