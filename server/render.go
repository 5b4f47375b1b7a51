package server

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xecut/resident/hass"
	"github.com/xecut/resident/model"
)

// renderVPN writes a WireGuard [Peer] block for every VPN entry of every
// account, in the order of the accounts, separated by blank lines. Each
// block opens with a comment naming the peer's config file,
// wg-<name>-resident-vpn-<id>.conf for residents and wg-<name>-vpn-<id>.conf
// for the others, where id is the account's Telegram username or else its
// username, reduced to a safe file name. Entries the validator flagged are
// left out, so nothing from the data can start a line of its own.
func renderVPN(name string, accounts []model.Account, bad flawedSet) string {
	var blocks []string
	for i, a := range accounts {
		kind := "vpn"
		if a.Resident {
			kind = "resident-vpn"
		}
		file := "wg-" + safeIdent(name) + "-" + kind + "-" + safeIdent(a.Name()) + ".conf"
		for j, v := range a.VPN {
			if bad.has(model.Path{"accounts", i, "vpn", j}) || !printable(v.IP, v.WGPublicKey) {
				continue
			}
			blocks = append(blocks, "# "+file+"\n[Peer]\nPublicKey = "+v.WGPublicKey+
				"\nAllowedIPs = "+v.IP+"/32\n")
		}
	}
	return strings.Join(blocks, "\n")
}

// otpIndent is how deep the fragment sits in the Home Assistant automation
// it is pasted into.
const otpIndent = "      "

// renderOTPMap writes the door's uid_map, from OTP prefix to Telegram
// username, for every account that has both, indented by six spaces.
// Keys and values are always single-quoted, so that YAML reads each one as
// the string it is, be it 123, true, null or 0x1F.
func renderOTPMap(accounts []model.Account, bad flawedSet) string {
	var b strings.Builder
	b.WriteString(otpIndent + "uid_map:")
	n := 0
	for i, a := range accounts {
		if a.OTPPrefix == nil || a.Telegram == nil {
			continue
		}
		if bad.has(model.Path{"accounts", i, "otp_prefix"}) ||
			bad.has(model.Path{"accounts", i, "telegram"}) {
			continue
		}
		// The same lines update-telegram-ids writes into automations.yaml.
		line, ok := hass.Entry(hass.Pair{Prefix: *a.OTPPrefix, Telegram: *a.Telegram})
		if !ok {
			continue
		}
		b.WriteString("\n" + otpIndent + "  " + line)
		n++
	}
	if n == 0 {
		b.WriteString(" {}")
	}
	b.WriteString("\n")
	return b.String()
}

// printable tells whether every value is valid UTF-8 free of line
// breaks, control and other invisible characters.
func printable(values ...string) bool {
	for _, s := range values {
		if !utf8.ValidString(s) || strings.IndexFunc(s, invisible) >= 0 {
			return false
		}
	}
	return true
}

func invisible(r rune) bool { return !unicode.IsPrint(r) }

// serbianToASCII spells Serbian names, Cyrillic or Latin, in ASCII, so
// that a file name still says whose it is.
var serbianToASCII = func() *strings.Replacer {
	const pairs = "А A Б B В V Г G Д D Ђ Dj Е E Ж Z З Z И I Ј J К K Л L Љ Lj М M Н N Њ Nj " +
		"О O П P Р R С S Т T Ћ C У U Ф F Х H Ц C Ч C Џ Dz Ш S " +
		"а a б b в v г g д d ђ dj е e ж z з z и i ј j к k л l љ lj м m н n њ nj " +
		"о o п p р r с s т t ћ c у u ф f х h ц c ч c џ dz ш s " +
		"Č C Ć C Đ Dj Š S Ž Z č c ć c đ dj š s ž z"
	return strings.NewReplacer(strings.Fields(pairs)...)
}()

// safeIdent reduces s to letters, digits, '_', '.' and '-', each run of
// anything else becoming one '_', so that it is safe in a file name.
func safeIdent(s string) string {
	var b strings.Builder
	under := false
	for _, r := range serbianToASCII.Replace(s) {
		ok := r < unicode.MaxASCII &&
			(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_.-", r))
		switch {
		case ok:
			b.WriteRune(r)
			under = false
		case !under:
			b.WriteByte('_')
			under = true
		}
	}
	out := strings.TrimLeft(b.String(), ".-")
	if strings.Trim(out, "_.-") == "" {
		return "account"
	}
	return out
}
