package model

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/crypto/ssh"
)

var (
	vpnIPPattern = regexp.MustCompile(`^192\.168\.11\.(0|[1-9][0-9]{0,2})$`)
	wgKeyPattern = regexp.MustCompile(`^[A-Za-z0-9+/]{43}=?$`)
	datePattern  = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

// The usable VPN host numbers: .1 is the gateway, the top of the range is
// kept for the gateway's own use.
const (
	MinVPNHost = 2
	MaxVPNHost = 250
)

// seen remembers the first owner of a value that must be unique across
// all accounts.
type seen map[string]owner

type owner struct {
	account int
	path    Path
}

// claim records key for path and reports a duplicate when another field
// already holds it.
func (s seen) claim(ps *problems, accounts []Account, i int, path Path, key, what string) {
	if prev, ok := s[key]; ok {
		ps.add(path, TypeDuplicate, "%s is already used by account %q at %s",
			what, accounts[prev.account].Username, prev.path)
		return
	}
	s[key] = owner{account: i, path: path}
}

// validate checks every rule that decoding alone cannot: formats, allowed
// values and uniqueness across accounts. A field whose decoding already
// failed (missing, wrong type, or inside something that is not an object)
// is not checked again, so each fault is reported once, at its own path.
func validate(ps *problems, accounts []Account) {
	ok := ps.sound()
	usernames, telegrams, prefixes := seen{}, seen{}, seen{}
	ips, wgKeys, sshKeys := seen{}, seen{}, seen{}
	for i, a := range accounts {
		path := Path{"accounts", i}
		if p := path.with("username"); ok(p) && checkUsername(ps, p, a.Username) {
			usernames.claim(ps, accounts, i, p, a.Username, "username")
		}
		if p := path.with("telegram"); a.Telegram != nil && checkTelegram(ps, p, *a.Telegram) {
			telegrams.claim(ps, accounts, i, p, strings.ToLower(*a.Telegram), "telegram username")
		}
		if p := path.with("otp_prefix"); a.OTPPrefix != nil && checkOTPPrefix(ps, p, *a.OTPPrefix) {
			prefixes.claim(ps, accounts, i, p, *a.OTPPrefix, "otp prefix")
		}
		for j, v := range a.VPN {
			p := path.with("vpn", j)
			if ok(p.with("ip")) && checkVPNIP(ps, p.with("ip"), v.IP) {
				ips.claim(ps, accounts, i, p.with("ip"), v.IP, "address "+v.IP)
			}
			if ok(p.with("wg_public_key")) && checkWGKey(ps, p.with("wg_public_key"), v.WGPublicKey) {
				wgKeys.claim(ps, accounts, i, p.with("wg_public_key"),
					strings.TrimSuffix(v.WGPublicKey, "="), "this WireGuard key")
			}
		}
		for j, k := range a.SSHKeys {
			p := path.with("ssh_keys", j)
			if !ok(p) {
				continue
			}
			if blob, valid := checkSSHKey(ps, p, k); valid {
				sshKeys.claim(ps, accounts, i, p, blob, "this SSH key")
			}
		}
		for j, f := range a.FeePayments {
			checkPayment(ps, ok, path.with("fee_payments", j), f)
		}
	}
}

// sound returns a test that tells whether a path and everything above it
// decoded without a problem so far.
func (ps *problems) sound() func(Path) bool {
	failed := make(map[string]bool, len(*ps))
	for _, p := range *ps {
		failed[p.Path.String()] = true
	}
	return func(path Path) bool {
		if len(failed) == 0 {
			return true
		}
		for n := len(path); n >= 0; n-- {
			if failed[path[:n].String()] {
				return false
			}
		}
		return true
	}
}

func checkUsername(ps *problems, path Path, s string) bool {
	switch {
	case strings.TrimSpace(s) == "":
		ps.add(path, TypeValue, "must not be blank")
	case strings.ContainsAny(s, "\r\n"):
		ps.add(path, TypeValue, "must be a single line")
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		ps.add(path, TypeValue, "must not contain control characters")
	default:
		return true
	}
	return false
}

func checkTelegram(ps *problems, path Path, s string) bool {
	switch {
	case s == "":
		ps.add(path, TypeValue, "must not be empty: use null for no Telegram account")
	case strings.IndexFunc(s, unicode.IsSpace) >= 0:
		ps.add(path, TypeValue, "must not contain spaces or line breaks")
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		ps.add(path, TypeValue, "must not contain control characters")
	default:
		return true
	}
	return false
}

func checkOTPPrefix(ps *problems, path Path, s string) bool {
	switch {
	case s == "":
		ps.add(path, TypeValue, "must not be empty: use null for no prefix")
	case strings.Trim(s, OTPSymbols) != "":
		ps.add(path, TypeValue, "may use only the symbols %s", OTPSymbols)
	case s[0] == 'P':
		ps.add(path, TypeValue, "must not start with P")
	default:
		return true
	}
	return false
}

func checkVPNIP(ps *problems, path Path, s string) bool {
	m := vpnIPPattern.FindStringSubmatch(s)
	if m == nil {
		ps.add(path, TypeValue, "must be an address 192.168.11.x written without leading zeros, got %q", s)
		return false
	}
	if n, _ := strconv.Atoi(m[1]); n < MinVPNHost || n > MaxVPNHost {
		ps.add(path, TypeValue, "must be between 192.168.11.%d and 192.168.11.%d, got %s",
			MinVPNHost, MaxVPNHost, s)
		return false
	}
	return true
}

func checkWGKey(ps *problems, path Path, s string) bool {
	if !wgKeyPattern.MatchString(s) {
		ps.add(path, TypeValue, "must be a WireGuard public key: 43 base64 characters and an optional =")
		return false
	}
	return true
}

// checkSSHKey returns the key's wire encoding, by which keys are compared
// so that the same key with another comment is still a duplicate.
func checkSSHKey(ps *problems, path Path, s string) (string, bool) {
	if strings.ContainsAny(s, "\r\n") {
		ps.add(path, TypeValue, "must be a single line")
		return "", false
	}
	if !strings.HasPrefix(s, "ssh-") && !strings.HasPrefix(s, "sk-") {
		ps.add(path, TypeValue, "must be an OpenSSH public key starting with ssh- or sk-")
		return "", false
	}
	// Options would make the line an authorized_keys entry rather than a
	// key: "ssh-x,command=... ssh-ed25519 AAAA..." starts with ssh- too.
	key, _, options, rest, err := ssh.ParseAuthorizedKey([]byte(s))
	if err != nil || len(rest) > 0 || len(options) > 0 {
		ps.add(path, TypeValue, "is not a valid OpenSSH public key")
		return "", false
	}
	return string(key.Marshal()), true
}

func checkPayment(ps *problems, ok func(Path) bool, path Path, f FeePayment) {
	if p := path.with("date"); ok(p) && (!datePattern.MatchString(f.Date) || !realDate(f.Date)) {
		ps.add(p, TypeValue, "must be a real date written yyyy-mm-dd, got %q", f.Date)
	}
	if p := path.with("currency"); ok(p) && !slices.Contains(Currencies, f.Currency) {
		ps.add(p, TypeValue, "must be one of %s, got %q", strings.Join(Currencies, " "), f.Currency)
	}
	if p := path.with("amount"); ok(p) && !positive(string(f.Amount)) {
		ps.add(p, TypeValue, "must be greater than zero, got %s", f.Amount)
	}
}

func realDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
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
