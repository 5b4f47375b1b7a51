package model

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// appendDocument appends the canonical bytes of doc. It writes what
// encoding/json writes for these types with HTML escaping off, except that
// U+2028 and U+2029 stay UTF-8 (TestMarshalMatchesEncodingJSON and
// FuzzMarshal hold it to that), without reflection.
// When spans is not nil, it gets where each account's bytes start and end:
// account i is b[spans[2*i]:spans[2*i+1]]. account, when not nil, appends
// the account at i in place of appendAccount, and must write the same.
func appendDocument(b []byte, doc Document, spans []int,
	account func(b []byte, i int, a Account) []byte) []byte {
	b = append(b, `{"meta":{"unixtime":`...)
	b = strconv.AppendInt(b, doc.Meta.Unixtime, 10)
	b = append(b, `,"last_sha256":`...)
	b = appendString(b, doc.Meta.LastSHA256)
	b = append(b, `},"accounts":[`...)
	for i, a := range doc.Accounts {
		if i > 0 {
			b = append(b, ',')
		}
		start := len(b)
		if account != nil {
			b = account(b, i, a)
		} else {
			b = appendAccount(b, a)
		}
		if spans != nil {
			spans[2*i], spans[2*i+1] = start, len(b)
		}
	}
	return append(b, "]}"...)
}

func appendAccount(b []byte, a Account) []byte {
	b = append(b, `{"username":`...)
	b = appendString(b, a.Username)
	b = append(b, `,"telegram":`...)
	b = appendOptString(b, a.Telegram)
	b = append(b, `,"decentrala":`...)
	b = strconv.AppendBool(b, a.Decentrala)
	b = append(b, `,"resident":`...)
	b = strconv.AppendBool(b, a.Resident)
	b = append(b, `,"otp_prefix":`...)
	b = appendOptString(b, a.OTPPrefix)
	b = append(b, `,"vpn":[`...)
	for i, v := range a.VPN {
		b = appendComma(b, i)
		b = append(b, `{"ip":`...)
		b = appendString(b, v.IP)
		b = append(b, `,"wg_public_key":`...)
		b = append(appendString(b, v.WGPublicKey), '}')
	}
	b = append(b, `],"ssh_keys":[`...)
	for i, k := range a.SSHKeys {
		b = appendString(appendComma(b, i), k)
	}
	b = append(b, `],"fee_payments":[`...)
	for i, p := range a.FeePayments {
		b = appendComma(b, i)
		b = append(b, `{"date":`...)
		b = appendString(b, p.Date)
		b = append(b, `,"currency":`...)
		b = appendString(b, p.Currency)
		b = append(b, `,"amount":`...)
		b = append(appendNumber(b, string(p.Amount)), '}')
	}
	return append(b, "]}"...)
}

func appendComma(b []byte, i int) []byte {
	if i > 0 {
		return append(b, ',')
	}
	return b
}

func appendOptString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendString(b, *s)
}

// appendNumber writes an amount as written; an empty one is 0, as
// encoding/json has it. Only a number the decoder did not read can be
// invalid, and that is a programming error.
func appendNumber(b []byte, n string) []byte {
	if n == "" {
		n = "0"
	}
	if numberEnd(n, 0) != len(n) {
		panic(fmt.Sprintf("model: marshal: json: invalid number literal %q", n))
	}
	return append(b, n...)
}

const hexDigits = "0123456789abcdef"

// appendString writes s quoted: a quote and a backslash escaped, control
// characters as \b \f \n \r \t or \u00XX, each byte that is not UTF-8 as
// \ufffd, everything else as it is.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(append(b, s[start:i]...), `\ufffd`...)
				start = i + 1
			}
			i += size
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, `\b`...)
		case '\f':
			b = append(b, `\f`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	return append(append(b, s[start:]...), '"')
}

// numberEnd returns where the JSON number starting at i in b ends, or -1
// when none starts there. It follows JSON's grammar exactly.
func numberEnd[T string | []byte](b T, i int) int {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = digits(b, i)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		if j := digits(b, i+1); j > i+1 {
			i = j
		} else {
			return -1
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

// digits returns the position after the digits that start at i.
func digits[T string | []byte](b T, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}
