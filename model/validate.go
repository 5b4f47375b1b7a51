package model

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// The usable VPN host numbers: .1 is the gateway, the top of the range is
// kept for the gateway's own use.
const (
	MinVPNHost = 2
	MaxVPNHost = 250
)

// at is where a value sits among the accounts: accounts[account].field,
// or accounts[account].list[index], then .field when field is set. Its
// Path is built only when a problem is reported, which a sound document
// never needs.
type at struct {
	account int
	list    string
	index   int
	field   string
}

func (w at) path() Path {
	p := make(Path, 0, 5)
	p = append(p, "accounts", w.account)
	if w.list != "" {
		p = append(p, w.list, w.index)
	}
	if w.field != "" {
		p = append(p, w.field)
	}
	return p
}

// in returns the location of field inside the value at w.
func (w at) in(field string) at {
	w.field = field
	return w
}

// seen remembers the first owner of a value that must be unique across
// all accounts.
type seen map[string]at

// claim records key for w and reports a duplicate when another field
// already holds it. The value is named what, followed by shown unless that
// is empty; the two are joined only for the message.
func (s seen) claim(ps *problems, accounts []Account, w at, key, what, shown string) {
	if prev, ok := s[key]; ok {
		if shown != "" {
			what += " " + shown
		}
		ps.add(w.path(), TypeDuplicate, "%s is already used by account %q at %s",
			what, accounts[prev.account].Username, prev.path())
		return
	}
	s[key] = w
}

// value reports msg at w unless it is empty, and tells whether it was.
func (ps *problems) value(w at, msg string) bool {
	if msg != "" {
		ps.add(w.path(), TypeValue, "%s", msg)
	}
	return msg == ""
}

// validate checks every rule that decoding alone cannot: formats, allowed
// values and uniqueness across accounts. A field whose decoding already
// failed (missing, wrong type, or inside something that is not an object)
// is not checked again, so each fault is reported once, at its own path.
// An account marked in trusted is known to be sound (see Known): only its
// share in the uniqueness rules is checked.
func validate(ps *problems, accounts []Account, trusted []bool) {
	ok := ps.sound()
	n := len(accounts)
	usernames, telegrams, prefixes := make(seen, n), make(seen, n), make(seen, n)
	ips, wgKeys, sshKeys := make(seen, n), make(seen, n), make(seen, n)
	for i, a := range accounts {
		// known accounts skip the per-value rules, not the claims.
		known := i < len(trusted) && trusted[i]
		if w := (at{account: i, field: "username"}); ok(w) &&
			(known || ps.value(w, checkUsername(a.Username))) {
			usernames.claim(ps, accounts, w, a.Username, "username", "")
		}
		if w := (at{account: i, field: "telegram"}); a.Telegram != nil &&
			(known || ps.value(w, checkTelegram(*a.Telegram))) {
			telegrams.claim(ps, accounts, w, strings.ToLower(*a.Telegram), "telegram username", "")
		}
		if w := (at{account: i, field: "otp_prefix"}); a.OTPPrefix != nil &&
			(known || ps.value(w, checkOTPPrefix(*a.OTPPrefix))) {
			prefixes.claim(ps, accounts, w, *a.OTPPrefix, "otp prefix", "")
		}
		for j, v := range a.VPN {
			e := at{account: i, list: "vpn", index: j}
			if w := e.in("ip"); ok(w) && (known || ps.value(w, checkVPNIP(v.IP))) {
				ips.claim(ps, accounts, w, v.IP, "address", v.IP)
			}
			if w := e.in("wg_public_key"); ok(w) &&
				(known || ps.value(w, checkWGKey(v.WGPublicKey))) {
				wgKeys.claim(ps, accounts, w, strings.TrimSuffix(v.WGPublicKey, "="), "this WireGuard key", "")
			}
		}
		for j, k := range a.SSHKeys {
			w := at{account: i, list: "ssh_keys", index: j}
			if !ok(w) {
				continue
			}
			// The blob is what the claim compares, so even a known key
			// is read (from the cache of parsed key lines).
			if blob, msg := checkSSHKey(k); known || ps.value(w, msg) {
				sshKeys.claim(ps, accounts, w, blob, "this SSH key", "")
			}
		}
		if known {
			continue
		}
		for j, f := range a.FeePayments {
			checkPayment(ps, ok, at{account: i, list: "fee_payments", index: j}, f)
		}
	}
}

// sound returns a test that tells whether a value and everything above it
// decoded without a problem so far.
func (ps *problems) sound() func(at) bool {
	if len(*ps) == 0 {
		return func(at) bool { return true }
	}
	failed := make(map[string]bool, len(*ps))
	for _, p := range *ps {
		failed[p.Path.String()] = true
	}
	return func(w at) bool {
		path := w.path()
		for n := len(path); n >= 0; n-- {
			if failed[path[:n].String()] {
				return false
			}
		}
		return true
	}
}

func checkUsername(s string) string {
	switch {
	case strings.TrimSpace(s) == "":
		return "must not be blank"
	case strings.ContainsAny(s, "\r\n"):
		return "must be a single line"
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return "must not contain control characters"
	}
	return ""
}

func checkTelegram(s string) string {
	switch {
	case s == "":
		return "must not be empty: use null for no Telegram account"
	case strings.IndexFunc(s, unicode.IsSpace) >= 0:
		return "must not contain spaces or line breaks"
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return "must not contain control characters"
	}
	return ""
}

func checkOTPPrefix(s string) string {
	switch {
	case s == "":
		return "must not be empty: use null for no prefix"
	case strings.Trim(s, OTPSymbols) != "":
		return "may use only the symbols " + OTPSymbols
	case s[0] == 'P':
		return "must not start with P"
	case len(s) > MaxOTPPrefix:
		return fmt.Sprintf("must have at most %d symbols, got %d", MaxOTPPrefix, len(s))
	}
	return ""
}

func checkVPNIP(s string) string {
	host, ok := vpnHost(s)
	if !ok {
		return fmt.Sprintf("must be an address 192.168.11.x written without "+
			"leading zeros, got %q", s)
	}
	if host < MinVPNHost || host > MaxVPNHost {
		return fmt.Sprintf("must be between 192.168.11.%d and 192.168.11.%d, got %s",
			MinVPNHost, MaxVPNHost, s)
	}
	return ""
}

// vpnHost returns x of an address 192.168.11.x whose x is written without
// leading zeros and has at most three digits.
func vpnHost(s string) (int, bool) {
	x, ok := strings.CutPrefix(s, "192.168.11.")
	if !ok || len(x) == 0 || len(x) > 3 || len(x) > 1 && x[0] == '0' {
		return 0, false
	}
	return atoiASCII(x)
}

func checkWGKey(s string) string {
	if len(s) == 44 && s[43] == '=' {
		s = s[:43]
	}
	if len(s) != 43 || !allBase64(s) {
		return "must be a WireGuard public key: 43 base64 characters and an optional ="
	}
	return ""
}

// allBase64 tells whether every byte of s is in the standard base64
// alphabet (padding excluded).
func allBase64(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return false
		}
	}
	return true
}

// checkSSHKey returns the key's wire encoding, by which keys are compared
// so that the same key with another comment is still a duplicate.
func checkSSHKey(s string) (blob, msg string) {
	if strings.ContainsAny(s, "\r\n") {
		return "", "must be a single line"
	}
	if !strings.HasPrefix(s, "ssh-") && !strings.HasPrefix(s, "sk-") {
		return "", "must be an OpenSSH public key starting with ssh- or sk-"
	}
	blob, valid := sshKeyBlob(s)
	if !valid {
		return "", "is not a valid OpenSSH public key"
	}
	return blob, ""
}

func checkPayment(ps *problems, ok func(at) bool, e at, f FeePayment) {
	if w := e.in("date"); ok(w) && !isDate(f.Date) {
		ps.add(w.path(), TypeValue, "must be a real date written yyyy-mm-dd, got %q", f.Date)
	}
	if w := e.in("currency"); ok(w) && !slices.Contains(Currencies, f.Currency) {
		ps.add(w.path(), TypeValue, "must be one of %s, got %q",
			strings.Join(Currencies, " "), f.Currency)
	}
	if w := e.in("amount"); ok(w) && !positive(string(f.Amount)) {
		ps.add(w.path(), TypeValue, "must be greater than zero, got %s", f.Amount)
	}
}

// isDate tells whether s is a real calendar date written yyyy-mm-dd: four,
// two and two ASCII digits, a month 01 to 12, a day of that month.
func isDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	y, okY := atoiASCII(s[0:4])
	m, okM := atoiASCII(s[5:7])
	d, okD := atoiASCII(s[8:10])
	if !okY || !okM || !okD || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= daysIn(y, m)
}

// daysIn is the number of days of month m (1 to 12) of year y in the
// Gregorian calendar.
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// atoiASCII reads a string of ASCII digits only.
func atoiASCII(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// positive tells whether a JSON number literal is above zero. It reads the
// text rather than converting it, so an exponent like 1e999999999 costs
// nothing and no digit is lost.
func positive(n string) bool {
	if strings.HasPrefix(n, "-") {
		return false
	}
	mantissa, _, _ := strings.Cut(strings.ToLower(n), "e")
	return strings.Trim(mantissa, "0.") != ""
}
