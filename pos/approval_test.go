package pos

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

var (
	testOwner   = Staff{ID: 1, Name: "店主", Role: RoleOwner, Active: true}
	testManager = Staff{ID: 2, Name: "店长", Role: RoleManager, Active: true}
	testCashier = Staff{ID: 3, Name: "收银员", Role: RoleCashier, Active: true}
)

func testRequest() ApprovalRequest {
	return ApprovalRequest{ID: "req-1", Actions: []Action{ActRefund, ActRefundLarge}, Subject: "sale:S1",
		Amount: 30000, Reason: "damaged", Requester: testCashier}
}

func TestDigestBindsTheRequest(t *testing.T) {
	req := testRequest()
	d := req.Digest()
	same := req
	same.Actions = []Action{ActRefundLarge, ActRefund, ActRefund}
	same.Reason, same.Note = "other", "a note"
	if !bytes.Equal(same.Digest(), d) {
		t.Errorf("the same request with actions reordered and another reason has another digest")
	}
	changes := map[string]func(r *ApprovalRequest){
		"id":        func(r *ApprovalRequest) { r.ID = "req-2" },
		"amount":    func(r *ApprovalRequest) { r.Amount++ },
		"subject":   func(r *ApprovalRequest) { r.Subject = "sale:S2" },
		"action":    func(r *ApprovalRequest) { r.Actions = []Action{ActRefund} },
		"requester": func(r *ApprovalRequest) { r.Requester = testManager },
		"shifted":   func(r *ApprovalRequest) { r.ID, r.Subject = "req-1s", "ale:S1" },
	}
	for name, change := range changes {
		r := testRequest()
		change(&r)
		if bytes.Equal(r.Digest(), d) {
			t.Errorf("changing the %s keeps the digest", name)
		}
	}
}

func TestNewApproval(t *testing.T) {
	p := DefaultPermissions()
	now := time.Date(2026, 12, 8, 2, 0, 0, 0, time.UTC)
	otherCashier := Staff{ID: 4, Name: "收银员二", Role: RoleCashier, Active: true}
	inactive := Staff{ID: 5, Name: "旧店长", Role: RoleManager}
	ownerReq := testRequest()
	ownerReq.Requester = testOwner
	managerReq := testRequest()
	managerReq.Requester = testManager
	tests := []struct {
		name       string
		req        ApprovalRequest
		approver   Staff
		wantErr    error
		wantMethod string
	}{
		{"owner approves a cashier", testRequest(), testOwner, nil, MethodPIN},
		{"manager lacks refund_large outright", testRequest(), testManager, ErrCannotApprove, ""},
		{"cashier cannot approve", testRequest(), otherCashier, ErrCannotApprove, ""},
		{"inactive manager", testRequest(), inactive, ErrCannotApprove, ""},
		{"manager for themselves", managerReq, testManager, ErrSelfApproval, ""},
		{"owner for themselves", ownerReq, testOwner, nil, MethodOwnerSelf},
	}
	for _, tt := range tests {
		a, err := NewApproval(p, tt.req, tt.approver, MethodPIN, now)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: NewApproval err = %v, want %v", tt.name, err, tt.wantErr)
			continue
		}
		if err == nil && (a.Method != tt.wantMethod || a.Approver != tt.approver || !bytes.Equal(a.Digest, tt.req.Digest())) {
			t.Errorf("%s: approval = %+v, want method %s by %s with the request's digest", tt.name, a, tt.wantMethod, tt.approver.Name)
		}
	}
	drawer := ApprovalRequest{ID: "r", Actions: []Action{ActDrawerOpen}, Requester: testCashier}
	if _, err := NewApproval(p, drawer, testManager, MethodTOTP, now); err != nil {
		t.Errorf("manager approving a cashier's drawer open: %v", err)
	}
}

func TestCovers(t *testing.T) {
	at := time.Date(2026, 12, 8, 2, 0, 0, 0, time.UTC)
	req := testRequest()
	a, err := NewApproval(DefaultPermissions(), req, testOwner, MethodPIN, at)
	if err != nil {
		t.Fatal(err)
	}
	used := a
	used.Used = true
	other := req
	other.Amount = 30001
	tests := []struct {
		name string
		a    Approval
		req  ApprovalRequest
		now  time.Time
		want error
	}{
		{"fresh", a, req, at.Add(time.Minute), nil},
		{"at the limit", a, req, at.Add(ApprovalMaxAge), nil},
		{"too old", a, req, at.Add(ApprovalMaxAge + time.Second), ErrApprovalExpired},
		{"from the future", a, req, at.Add(-time.Minute), ErrApprovalExpired},
		{"used", used, req, at, ErrApprovalUsed},
		{"another amount", a, other, at, ErrApprovalMismatch},
	}
	for _, tt := range tests {
		if got := tt.a.Covers(tt.req, tt.now); got != tt.want {
			t.Errorf("%s: Covers = %v, want %v", tt.name, got, tt.want)
		}
	}
}
