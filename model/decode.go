package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
)

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Parse decodes and validates a stored version, whose meta is required.
//
// The document is returned whenever the bytes are well-formed JSON, even
// when err lists problems, so that a consumer can still use the parts that
// are sound (the VPN gateway keeps every valid peer of a flawed version).
// err is a *ValidationError for every problem, syntax included.
func Parse(data []byte) (*Document, error) {
	doc, ps, err := decode(data, true)
	if err != nil {
		return nil, err
	}
	validate(&ps, doc.Accounts, nil)
	return &doc, ps.err()
}

// ParseUpdate decodes and validates the body of a write. Its meta is
// optional and ignored: the store sets it. Fee payments come back sorted by
// date, equal dates in the order given, as they are stored.
func ParseUpdate(data []byte) ([]Account, error) {
	return ParseUpdateKnown(data, nil)
}

// decode reads data into a Document and lists the problems of its shape;
// validate then checks the values. err is set only when data is not JSON.
func decode(data []byte, withMeta bool) (Document, problems, error) {
	doc, _, ps, err := decodeKnown(data, withMeta, nil)
	return doc, ps, err
}

// decodeKnown is decode, taking accounts sent exactly as known from known;
// trusted marks them; it may be shorter than the accounts.
func decodeKnown(data []byte, withMeta bool, known *Known) (Document, []bool, problems, error) {
	if doc, trusted, ok := fastDocument(data, withMeta, known); ok {
		return doc, trusted, nil, nil
	}
	v, err := decodeJSON(data)
	if err != nil {
		return Document{}, nil, nil, err
	}
	var ps problems
	doc := ps.document(v, withMeta)
	return doc, nil, ps, nil
}

// decodeJSON reads exactly one JSON value, keeping numbers as written.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, syntaxError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &ValidationError{Problems: []FieldError{{
			Path: Path{},
			Msg:  "unexpected data after the JSON document",
			Type: TypeJSONInvalid,
		}}}
	}
	return v, nil
}

func syntaxError(err error) error {
	msg := "invalid JSON: " + err.Error()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		msg = fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, se)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		msg = "invalid JSON: the document is empty or cut short"
	}
	return &ValidationError{Problems: []FieldError{{Path: Path{}, Msg: msg, Type: TypeJSONInvalid}}}
}

func (ps *problems) document(v any, needMeta bool) Document {
	doc := Document{Accounts: []Account{}}
	obj, ok := ps.object(Path{}, v)
	if !ok {
		return doc
	}
	ps.only(Path{}, obj, "meta", "accounts")
	if needMeta {
		if m, ok := ps.field(Path{}, obj, "meta", true); ok {
			doc.Meta = ps.meta(Path{"meta"}, m)
		}
	}
	if list, ok := ps.field(Path{}, obj, "accounts", true); ok {
		items, _ := ps.list(Path{"accounts"}, list)
		for i, item := range items {
			doc.Accounts = append(doc.Accounts, ps.account(Path{"accounts", i}, item))
		}
	}
	return doc
}

func (ps *problems) meta(path Path, v any) Meta {
	var m Meta
	obj, ok := ps.object(path, v)
	if !ok {
		return m
	}
	ps.only(path, obj, "unixtime", "last_sha256")
	if t, ok := ps.field(path, obj, "unixtime", true); ok {
		n, isNum := t.(json.Number)
		u, err := strconv.ParseInt(string(n), 10, 64)
		if !isNum || err != nil || u < 0 {
			ps.add(path.with("unixtime"), TypeInt, "must be a whole number of seconds, 0 or more")
		}
		m.Unixtime = u
	}
	if h, ok := ps.field(path, obj, "last_sha256", true); ok {
		s, _ := ps.str(path.with("last_sha256"), h)
		if s != "" && !sha256Hex.MatchString(s) {
			ps.add(path.with("last_sha256"), TypeValue, "must be 64 lowercase hex digits")
		}
		m.LastSHA256 = s
	}
	return m
}

func (ps *problems) account(path Path, v any) Account {
	a := Account{VPN: []VPN{}, SSHKeys: []string{}, FeePayments: []FeePayment{}}
	obj, ok := ps.object(path, v)
	if !ok {
		return a
	}
	ps.only(path, obj, "username", "telegram", "decentrala", "resident",
		"otp_prefix", "vpn", "ssh_keys", "fee_payments")
	if f, ok := ps.field(path, obj, "username", true); ok {
		a.Username, _ = ps.str(path.with("username"), f)
	}
	if f, ok := ps.field(path, obj, "telegram", false); ok {
		a.Telegram = ps.optStr(path.with("telegram"), f)
	}
	if f, ok := ps.field(path, obj, "decentrala", true); ok {
		a.Decentrala = ps.boolean(path.with("decentrala"), f)
	}
	if f, ok := ps.field(path, obj, "resident", true); ok {
		a.Resident = ps.boolean(path.with("resident"), f)
	}
	if f, ok := ps.field(path, obj, "otp_prefix", false); ok {
		a.OTPPrefix = ps.optStr(path.with("otp_prefix"), f)
	}
	for i, item := range ps.optList(path, obj, "vpn") {
		a.VPN = append(a.VPN, ps.vpn(path.with("vpn", i), item))
	}
	for i, item := range ps.optList(path, obj, "ssh_keys") {
		s, _ := ps.str(path.with("ssh_keys", i), item)
		a.SSHKeys = append(a.SSHKeys, s)
	}
	for i, item := range ps.optList(path, obj, "fee_payments") {
		a.FeePayments = append(a.FeePayments, ps.payment(path.with("fee_payments", i), item))
	}
	return a
}

func (ps *problems) vpn(path Path, v any) VPN {
	var e VPN
	obj, ok := ps.object(path, v)
	if !ok {
		return e
	}
	ps.only(path, obj, "ip", "wg_public_key")
	if f, ok := ps.field(path, obj, "ip", true); ok {
		e.IP, _ = ps.str(path.with("ip"), f)
	}
	if f, ok := ps.field(path, obj, "wg_public_key", true); ok {
		e.WGPublicKey, _ = ps.str(path.with("wg_public_key"), f)
	}
	return e
}

func (ps *problems) payment(path Path, v any) FeePayment {
	var p FeePayment
	obj, ok := ps.object(path, v)
	if !ok {
		return p
	}
	ps.only(path, obj, "date", "currency", "amount")
	if f, ok := ps.field(path, obj, "date", true); ok {
		p.Date, _ = ps.str(path.with("date"), f)
	}
	if f, ok := ps.field(path, obj, "currency", true); ok {
		p.Currency, _ = ps.str(path.with("currency"), f)
	}
	if f, ok := ps.field(path, obj, "amount", true); ok {
		n, isNum := f.(json.Number)
		if !isNum {
			ps.add(path.with("amount"), TypeNumber, "must be a JSON number, not %s", kind(f))
		}
		p.Amount = n
	}
	return p
}

func (ps *problems) object(path Path, v any) (map[string]any, bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		ps.add(path, TypeObject, "must be an object, not %s", kind(v))
	}
	return obj, ok
}

// only reports every key of obj that is not one of keys, in sorted order so
// that the answer is the same every time.
func (ps *problems) only(path Path, obj map[string]any, keys ...string) {
	var extra []string
	for k := range obj {
		if !slices.Contains(keys, k) {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	for _, k := range extra {
		ps.add(path.with(k), TypeExtraForbidden, "unknown field")
	}
}

func (ps *problems) field(path Path, obj map[string]any, key string, required bool) (any, bool) {
	v, ok := obj[key]
	if !ok && required {
		ps.add(path.with(key), TypeMissing, "field required")
	}
	return v, ok
}

func (ps *problems) str(path Path, v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		ps.add(path, TypeString, "must be a string, not %s", kind(v))
	}
	return s, ok
}

func (ps *problems) optStr(path Path, v any) *string {
	if v == nil {
		return nil
	}
	s, ok := ps.str(path, v)
	if !ok {
		return nil
	}
	return &s
}

func (ps *problems) boolean(path Path, v any) bool {
	b, ok := v.(bool)
	if !ok {
		ps.add(path, TypeBool, "must be true or false, not %s", kind(v))
	}
	return b
}

func (ps *problems) list(path Path, v any) ([]any, bool) {
	l, ok := v.([]any)
	if !ok {
		ps.add(path, TypeList, "must be a list, not %s", kind(v))
	}
	return l, ok
}

// optList returns the list under key, treating an absent key as empty.
func (ps *problems) optList(path Path, obj map[string]any, key string) []any {
	v, ok := obj[key]
	if !ok {
		return nil
	}
	l, _ := ps.list(path.with(key), v)
	return l
}

// kind names a decoded JSON value's type for error messages.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
