package providersim

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

// WeChat Pay v2 messages are one flat <xml> element whose children hold
// text or CDATA (PROTOCOLS.md §2.1).

// maxV2Fields bounds the children of one message.
const maxV2Fields = 100

// parseV2XML reads a v2 message into a map. It refuses nested elements,
// repeated fields, text outside the children, directives and a root other
// than one <xml>.
func parseV2XML(b []byte) (map[string]string, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = true
	p := v2Parser{out: map[string]string{}}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("xml: %v", err)
		}
		if err := p.token(tok); err != nil {
			return nil, err
		}
	}
	if p.depth != 0 || p.roots != 1 {
		return nil, errors.New("xml: not one <xml> message")
	}
	return p.out, nil
}

// v2Parser is the state of parseV2XML.
type v2Parser struct {
	out          map[string]string
	depth, roots int
	field        string
	text         strings.Builder
}

func (p *v2Parser) token(tok xml.Token) error {
	switch tok := tok.(type) {
	case xml.StartElement:
		return p.start(tok.Name.Local)
	case xml.EndElement:
		return p.end()
	case xml.CharData:
		if p.depth == 2 {
			p.text.Write(tok)
		} else if len(bytes.TrimSpace(tok)) > 0 {
			return errors.New("xml: text outside the fields")
		}
	case xml.Directive:
		return errors.New("xml: directives (DOCTYPE, ENTITY) are not allowed")
	}
	return nil
}

func (p *v2Parser) start(name string) error {
	p.depth++
	switch {
	case p.depth == 1 && (name != "xml" || p.roots > 0):
		return fmt.Errorf("xml: root <%s>, want one <xml>", name)
	case p.depth == 1:
		p.roots++
	case p.depth == 2:
		p.field = name
		p.text.Reset()
	default:
		return fmt.Errorf("xml: nested element <%s> in <%s>", name, p.field)
	}
	return nil
}

func (p *v2Parser) end() error {
	if p.depth == 2 {
		if _, dup := p.out[p.field]; dup {
			return fmt.Errorf("xml: field %s repeated", p.field)
		}
		if len(p.out) == maxV2Fields {
			return errors.New("xml: too many fields")
		}
		p.out[p.field] = p.text.String()
	}
	p.depth--
	return nil
}

// writeV2XML writes a message with its fields sorted; numbers bare, other
// values in CDATA, as WeChat Pay answers.
func writeV2XML(m map[string]string) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.WriteString("<xml>")
	for _, k := range keys {
		v := m[k]
		b.WriteString("<" + k + ">")
		if v != "" && strings.Trim(v, "0123456789") == "" {
			b.WriteString(v)
		} else {
			b.WriteString("<![CDATA[" + strings.ReplaceAll(v, "]]>", "]]]]><![CDATA[>") + "]]>")
		}
		b.WriteString("</" + k + ">")
	}
	b.WriteString("</xml>")
	return b.Bytes()
}

// Sign types of v2.
const (
	signMD5        = "MD5"
	signHMACSHA256 = "HMAC-SHA256"
)

// v2Sign signs a v2 message (PROTOCOLS.md §2.1): the non-empty fields but
// sign, sorted, joined k=v&…, then &key=<API key>; upper-case hex of MD5 or
// of HMAC-SHA256 keyed with the API key.
func v2Sign(m map[string]string, key, signType string) string {
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
	if signType == signHMACSHA256 {
		h := hmac.New(sha256.New, []byte(key))
		h.Write([]byte(b.String()))
		return strings.ToUpper(hex.EncodeToString(h.Sum(nil)))
	}
	sum := md5.Sum([]byte(b.String()))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}
