package unionpay

import (
	"errors"
	"testing"

	"zhanggui/pos/money"
)

var fenTests = []struct {
	in   string
	want money.Fen
	ok   bool
}{
	{"1", 1, true},
	{"8888", 8888, true},
	{"0", 0, true},
	{"100000000000", money.MaxFen, true},
	{"100000000001", 0, false},
	{"-1", 0, false},
	{"1.00", 0, false}, // yuan where fen belong
	{"1e3", 0, false},
	{"0100", 0, false},
	{`"100"`, 0, false}, // a string where a number belongs
	{"", 0, false},
	{"true", 0, false},
}

func TestParseFen(t *testing.T) {
	for _, tt := range fenTests {
		got, err := parseFen(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("parseFen(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestToFen(t *testing.T) {
	tests := []struct {
		in   money.Fen
		want string
		ok   bool
	}{
		{1, "1", true}, {8888, "8888", true}, {money.MaxFen, "100000000000", true},
		{0, "", false}, {-5, "", false}, {money.MaxFen + 1, "", false},
	}
	for _, tt := range tests {
		got, err := toFen(tt.in)
		if string(got) != tt.want || (err == nil) != tt.ok {
			t.Errorf("toFen(%d) = %q, %v; want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

var answerTests = []struct {
	name string
	in   string
	ok   bool
}{
	{"paid", `{"resp_code":"00","resp_msg":"成功","order_no":"U1","txn_no":"2024","wallet":"UNIONPAY","status":"SUCCESS","amount_fen":8888,"refunded_fen":0}`, true},
	{"refused", `{"resp_code":"51","resp_msg":"余额不足"}`, true},
	{"refund", `{"resp_code":"00","order_no":"U1","refund_no":"R1","refund_txn_no":"R2024","status":"SUCCESS","amount_fen":300}`, true},
	{"null amount", `{"resp_code":"00","amount_fen":null}`, true},
	{"no resp_code", `{"status":"SUCCESS"}`, false},
	{"long resp_code", `{"resp_code":"000"}`, false},
	{"amount as string", `{"resp_code":"00","amount_fen":"8888"}`, false},
	{"amount in yuan", `{"resp_code":"00","amount_fen":88.88}`, false},
	{"negative amount", `{"resp_code":"00","amount_fen":-1}`, false},
	{"two objects", `{"resp_code":"00"}{"resp_code":"96"}`, false},
	{"array", `[]`, false},
	{"null", `null`, false},
	{"empty", ``, false},
	{"cut off", `{"resp_code":"00"`, false},
}

func TestParseAnswer(t *testing.T) {
	for _, tt := range answerTests {
		a, err := parseAnswer([]byte(tt.in))
		if (err == nil) != tt.ok {
			t.Errorf("%s: parseAnswer = %+v, %v; want ok %v", tt.name, a, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: error %v, want ErrMalformed", tt.name, err)
		}
	}
}

// FuzzParseAcquirerAnswer: the parser never panics; an accepted answer has
// a two-character code and amounts within money's bounds.
func FuzzParseAcquirerAnswer(f *testing.F) {
	for _, tt := range answerTests {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := parseAnswer(b)
		if err != nil {
			return
		}
		if len(a.RespCode) != 2 || a.Amount.fen < 0 || a.Amount.fen > money.MaxFen {
			t.Fatalf("parseAnswer(%q) = %+v", b, a)
		}
	})
}

// FuzzParseFen: what parses formats back to the same text.
func FuzzParseFen(f *testing.F) {
	for _, tt := range fenTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseFen(s)
		if err != nil || n == 0 {
			return
		}
		if back, err := toFen(n); err != nil || string(back) != s {
			t.Fatalf("%q → %d → %q, %v", s, n, back, err)
		}
	})
}
