package model

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// fastDocument decodes data straight into a Document when it is a document
// with nothing to report while decoding: well-formed JSON, every field known,
// present when required, given once, of the right type, and a sound meta.
// That is every write the web page sends, and it is read without building a
// generic tree. At the first thing that is off it gives up (ok is false),
// and the caller walks the generic tree instead, which knows how to say what
// is wrong; so this path decides nothing that the generic one would not.
//
// An account that the input sends exactly as known (see Known) is taken
// from known and marked in trusted, which is nil when none is.
func fastDocument(data []byte, withMeta bool, known *Known) (doc Document, trusted []bool, ok bool) {
	s := &scanner{b: data, src: string(data)}
	doc.Accounts = []Account{}
	var seen uint8
	ok = s.object(func(key []byte) bool {
		switch string(key) {
		case "meta":
			if !withMeta {
				return once(&seen, 1) && s.skip(0)
			}
			m, ok := s.meta()
			doc.Meta = m
			return once(&seen, 1) && ok
		case "accounts":
			return once(&seen, 2) && s.array(func() bool {
				i := len(doc.Accounts)
				if a, ok := known.take(s, i); ok {
					if trusted == nil {
						trusted = make([]bool, len(known.raw))
					}
					trusted[i] = true
					doc.Accounts = append(doc.Accounts, a)
					return true
				}
				a, ok := s.account()
				doc.Accounts = append(doc.Accounts, a)
				return ok
			})
		}
		return false
	})
	s.ws()
	need := uint8(2)
	if withMeta {
		need = 3
	}
	return doc, trusted, ok && s.i == len(s.b) && seen&need == need
}

// once marks bit in seen and tells whether it was not marked yet: a field
// given twice is left to the generic path, where the last one wins.
func once(seen *uint8, bit uint8) bool {
	first := *seen&bit == 0
	*seen |= bit
	return first
}

// scanner reads JSON from b at i, accepting only what the document's types
// allow. src is b as one string, which the document's strings are cut
// from: one copy of the input instead of thousands of small ones, kept
// alive as long as any of them is.
type scanner struct {
	b    []byte
	src  string
	i    int
	fees []FeePayment
}

func (s *scanner) meta() (m Meta, ok bool) {
	var seen uint8
	ok = s.object(func(key []byte) bool {
		switch string(key) {
		case "unixtime":
			n, ok := s.number()
			u, err := strconv.ParseInt(n, 10, 64)
			m.Unixtime = u
			return once(&seen, 1) && ok && err == nil && u >= 0
		case "last_sha256":
			h, ok := s.str()
			m.LastSHA256 = h
			return once(&seen, 2) && ok && sha256Hex.MatchString(h)
		}
		return false
	})
	return m, ok && seen == 3
}

func (s *scanner) account() (a Account, ok bool) {
	a = Account{VPN: []VPN{}, SSHKeys: []string{}, FeePayments: []FeePayment{}}
	var seen uint8
	ok = s.object(func(key []byte) bool {
		switch string(key) {
		case "username":
			return once(&seen, 1) && s.into(&a.Username)
		case "telegram":
			return once(&seen, 2) && s.optStr(&a.Telegram)
		case "decentrala":
			return once(&seen, 4) && s.boolean(&a.Decentrala)
		case "resident":
			return once(&seen, 8) && s.boolean(&a.Resident)
		case "otp_prefix":
			return once(&seen, 16) && s.optStr(&a.OTPPrefix)
		case "vpn":
			return once(&seen, 32) && s.array(func() bool {
				v, ok := s.vpn()
				a.VPN = append(a.VPN, v)
				return ok
			})
		case "ssh_keys":
			return once(&seen, 64) && s.array(func() bool {
				k, ok := s.str()
				a.SSHKeys = append(a.SSHKeys, k)
				return ok
			})
		case "fee_payments":
			if !once(&seen, 128) {
				return false
			}
			// A long fee history grows its list many times over: gather it
			// in the scanner's scratch list and copy it once.
			s.fees = s.fees[:0]
			ok := s.array(func() bool {
				p, ok := s.payment()
				s.fees = append(s.fees, p)
				return ok
			})
			a.FeePayments = append(a.FeePayments, s.fees...)
			return ok
		}
		return false
	})
	const required = 1 | 4 | 8
	return a, ok && seen&required == required
}

func (s *scanner) vpn() (v VPN, ok bool) {
	var seen uint8
	ok = s.object(func(key []byte) bool {
		switch string(key) {
		case "ip":
			return once(&seen, 1) && s.into(&v.IP)
		case "wg_public_key":
			return once(&seen, 2) && s.into(&v.WGPublicKey)
		}
		return false
	})
	return v, ok && seen == 3
}

func (s *scanner) payment() (p FeePayment, ok bool) {
	var seen uint8
	ok = s.object(func(key []byte) bool {
		switch string(key) {
		case "date":
			return once(&seen, 1) && s.into(&p.Date)
		case "currency":
			return once(&seen, 2) && s.into(&p.Currency)
		case "amount":
			n, ok := s.number()
			p.Amount = json.Number(n)
			return once(&seen, 4) && ok
		}
		return false
	})
	return p, ok && seen == 7
}

// object reads an object, calling field for each key with the scanner at
// its value; field returns false to give up.
func (s *scanner) object(field func(key []byte) bool) bool {
	if !s.next('{') {
		return false
	}
	if s.next('}') {
		return true
	}
	for {
		key, ok := s.key()
		if !ok || !field(key) {
			return false
		}
		if !s.next(',') {
			return s.next('}')
		}
	}
}

// array reads a list, calling item with the scanner at each element.
func (s *scanner) array(item func() bool) bool {
	if !s.next('[') {
		return false
	}
	if s.next(']') {
		return true
	}
	for {
		if !item() {
			return false
		}
		if !s.next(',') {
			return s.next(']')
		}
	}
}

// ws skips the four whitespace bytes JSON allows.
func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next consumes c, after whitespace, when it comes next.
func (s *scanner) next(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// key reads an object key and its colon. A key with escapes or bytes
// outside ASCII can't be one the document knows by its plain spelling, so
// it is left to the generic path.
func (s *scanner) key() ([]byte, bool) {
	if !s.next('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			key := s.b[start:s.i]
			s.i++
			return key, s.next(':')
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return nil, false
		}
		s.i++
	}
	return nil, false
}

// str reads a string. One with escapes or bytes that are not UTF-8 is
// unquoted by encoding/json itself, so that it reads exactly as the
// generic path reads it.
func (s *scanner) str() (string, bool) {
	if !s.next('"') {
		return "", false
	}
	start, esc, ascii := s.i, false, true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			raw := s.b[start : s.i-1]
			if !esc && (ascii || utf8.Valid(raw)) {
				return s.src[start : s.i-1], true
			}
			var out string
			err := json.Unmarshal(s.b[start-1:s.i], &out)
			return out, err == nil
		case c == '\\':
			esc = true
			s.i++
		case c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
		s.i++
	}
	return "", false
}

func (s *scanner) into(dst *string) bool {
	v, ok := s.str()
	*dst = v
	return ok
}

// optStr reads a string or null.
func (s *scanner) optStr(dst **string) bool {
	if s.literal("null") {
		*dst = nil
		return true
	}
	v, ok := s.str()
	*dst = &v
	return ok
}

func (s *scanner) boolean(dst *bool) bool {
	switch {
	case s.literal("true"):
		*dst = true
	case s.literal("false"):
		*dst = false
	default:
		return false
	}
	return true
}

// literal consumes word, after whitespace, when it comes next. What follows
// it is checked by the caller, which expects a comma or a closing bracket.
func (s *scanner) literal(word string) bool {
	s.ws()
	if len(s.b)-s.i >= len(word) && string(s.b[s.i:s.i+len(word)]) == word {
		s.i += len(word)
		return true
	}
	return false
}

// number reads a number as written.
func (s *scanner) number() (string, bool) {
	s.ws()
	start := s.i
	end := numberEnd(s.b, start)
	if end < 0 {
		return "", false
	}
	s.i = end
	return s.src[start:end], true
}

// maxSkipDepth bounds how deeply an ignored value may nest before the
// generic path is left to judge it.
const maxSkipDepth = 64

// skip reads any JSON value without keeping it: the meta of a write body,
// which is ignored but must still be well-formed.
func (s *scanner) skip(depth int) bool {
	if depth > maxSkipDepth {
		return false
	}
	s.ws()
	if s.i == len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '{':
		return s.object(func([]byte) bool { return s.skip(depth + 1) })
	case '[':
		return s.array(func() bool { return s.skip(depth + 1) })
	case '"':
		_, ok := s.str()
		return ok
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	_, ok := s.number()
	return ok
}
