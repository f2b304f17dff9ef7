package wechatpay

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Sign types of API v2.
const (
	SignMD5        = "MD5"
	SignHMACSHA256 = "HMAC-SHA256"
)

// maxFields bounds the fields of one v2 message; refundquery, the longest,
// has about ten per refund.
const maxFields = 200

// parseXML reads a v2 message: one <xml> element whose children hold text
// or CDATA. Nested elements, repeated fields, stray text, directives (a
// DOCTYPE could declare entities) and a second root are refused.
func parseXML(b []byte) (map[string]string, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = true
	x := xmlScan{out: map[string]string{}}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: xml: %v", ErrMalformed, err)
		}
		if err := x.token(tok); err != nil {
			return nil, err
		}
	}
	if x.roots != 1 {
		return nil, fmt.Errorf("%w: not an <xml> message", ErrMalformed)
	}
	return x.out, nil
}

// xmlScan is parseXML's state between tokens.
type xmlScan struct {
	out          map[string]string
	depth, roots int
	field        string
	text         strings.Builder
}

func (x *xmlScan) token(tok xml.Token) error {
	switch tok := tok.(type) {
	case xml.StartElement:
		return x.start(tok.Name.Local)
	case xml.EndElement:
		x.depth--
		if x.depth == 1 {
			return addField(x.out, x.field, x.text.String())
		}
	case xml.CharData:
		if x.depth == 2 {
			x.text.Write(tok)
		} else if len(bytes.TrimSpace(tok)) > 0 {
			return fmt.Errorf("%w: text outside the fields", ErrMalformed)
		}
	case xml.Directive:
		return fmt.Errorf("%w: directive in the message", ErrMalformed)
	}
	return nil
}

func (x *xmlScan) start(name string) error {
	x.depth++
	switch {
	case x.depth == 1 && (name != "xml" || x.roots > 0):
		return fmt.Errorf("%w: root <%s>, want one <xml>", ErrMalformed, name)
	case x.depth == 1:
		x.roots++
	case x.depth == 2:
		x.field = name
		x.text.Reset()
	default:
		return fmt.Errorf("%w: element <%s> inside <%s>", ErrMalformed, name, x.field)
	}
	return nil
}

func addField(m map[string]string, k, v string) error {
	if _, dup := m[k]; dup {
		return fmt.Errorf("%w: field %s twice", ErrMalformed, k)
	}
	if len(m) == maxFields {
		return fmt.Errorf("%w: more than %d fields", ErrMalformed, maxFields)
	}
	m[k] = v
	return nil
}

// encodeXML writes a v2 message, fields sorted so a request is repeatable,
// values escaped as XML text.
func encodeXML(m map[string]string) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.WriteString("<xml>")
	for _, k := range keys {
		b.WriteString("<" + k + ">")
		_ = xml.EscapeText(&b, []byte(m[k])) // a bytes.Buffer never fails
		b.WriteString("</" + k + ">")
	}
	b.WriteString("</xml>")
	return b.Bytes()
}

// signV2 is the v2 signature (PROTOCOLS.md §2.1): the non-empty fields but
// sign, sorted, joined k=v&…, then &key=<APIv2 key>; upper-case hex of
// MD5, or of HMAC-SHA256 keyed with the API key.
func signV2(m map[string]string, key, signType string) string {
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if k != "sign" && v != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + m[k] + "&")
	}
	b.WriteString("key=" + key)
	if signType == SignHMACSHA256 {
		h := hmac.New(sha256.New, []byte(key))
		h.Write([]byte(b.String()))
		return strings.ToUpper(hex.EncodeToString(h.Sum(nil)))
	}
	sum := md5.Sum([]byte(b.String()))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// verifyV2 checks a response's sign, made with the request's sign type.
func verifyV2(m map[string]string, key, signType string) error {
	got := m["sign"]
	if got == "" {
		return ErrUnsigned
	}
	want := signV2(m, key, signType)
	if !hmac.Equal([]byte(strings.ToUpper(got)), []byte(want)) {
		return ErrBadSignature
	}
	return nil
}

// Errors in the chain of an Unknown result, for errors.Is and the log.
var (
	ErrBadSignature = errors.New("wechatpay: response signature does not verify")
	ErrUnsigned     = errors.New("wechatpay: response is not signed")
	ErrMalformed    = errors.New("wechatpay: malformed response")
	ErrHTTPStatus   = errors.New("wechatpay: unexpected HTTP status")
	ErrReturnFail   = errors.New("wechatpay: return_code FAIL, request not processed")
	ErrSystemError  = errors.New("wechatpay: system error, outcome unknown")
	ErrRecall       = errors.New("wechatpay: reverse must be called again (recall=Y)")
	ErrUnexpected   = errors.New("wechatpay: unexpected answer")
)
