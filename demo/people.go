package demo

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xecut/resident/model"
)

// Given names and surname initials of the kind the hackspace's members
// have, in Latin and Cyrillic script; every person here is made up.
var (
	latinNames = []string{
		"Stefan", "Mina", "Alex", "Katarina", "Nikola", "Luka", "Jelena", "Marko",
		"Ana", "Milica", "Uroš", "Đorđe", "Sanja", "Petar", "Teodora", "Vuk",
		"Dušan", "Ivana", "Nemanja", "Jovana", "Filip", "Tamara", "Lazar", "Sara",
		"Andrej", "Maja", "Bojan", "Dragana", "Miloš", "Nina",
	}
	cyrillicNames = []string{
		"Стефан", "Мина", "Никола", "Јелена", "Марко", "Ана", "Милица", "Урош",
		"Ђорђе", "Сања", "Петар", "Теодора", "Вук", "Душан", "Ивана", "Немања",
		"Јована", "Филип", "Лазар", "Сара",
	}
	latinInitials    = []string{"A", "B", "Č", "Ć", "D", "Đ", "G", "J", "K", "L", "M", "N", "P", "R", "S", "Š", "T", "V", "Ž"}
	cyrillicInitials = []string{"А", "Б", "Ч", "Ћ", "Д", "Ђ", "Г", "Ј", "К", "Л", "М", "Н", "П", "Р", "С", "Ш", "Т", "В", "Ж"}
	devices          = []string{"laptop", "phone", "desktop", "thinkpad", "pi", "work"}
)

// toASCII is the rough transliteration people use for Telegram handles.
var toASCII = strings.NewReplacer(
	"š", "s", "đ", "dj", "č", "c", "ć", "c", "ž", "z",
	"а", "a", "б", "b", "в", "v", "г", "g", "д", "d", "ђ", "dj", "е", "e", "ж", "z",
	"з", "z", "и", "i", "ј", "j", "к", "k", "л", "l", "љ", "lj", "м", "m", "н", "n",
	"њ", "nj", "о", "o", "п", "p", "р", "r", "с", "s", "т", "t", "ћ", "c", "у", "u",
	"ф", "f", "х", "h", "ц", "c", "ч", "c", "џ", "dz", "ш", "s",
)

// fees are the amounts people pay, written as the earlier service wrote
// them: floats with a decimal point.
var fees = map[string][]string{
	"RSD": {"1500.0", "3000.0", "2000.0", "4500.0"},
	"EUR": {"15.0", "25.0", "50.0"},
	"USD": {"20.0", "30.0"},
	"RUB": {"1500.0", "2000.0"},
	"ETH": {"0.015", "0.01", "0.0075"},
	"BTC": {"0.0005", "0.00025"},
}

// currencyWeights makes dinars the usual case.
var currencyWeights = []string{
	"RSD", "RSD", "RSD", "RSD", "RSD", "EUR", "EUR", "USD", "RUB", "ETH", "BTC",
}

// people hands out accounts whose unique fields never collide.
type people struct {
	r         *rand.Rand
	usernames map[string]bool
	telegrams map[string]bool
	prefixes  map[string]bool
	freeIPs   []int
	sshCount  int
}

func newPeople(r *rand.Rand) *people {
	p := &people{r: r, usernames: map[string]bool{}, telegrams: map[string]bool{},
		prefixes: map[string]bool{}}
	for host := model.MinVPNHost; host <= model.MaxVPNHost; host++ {
		p.freeIPs = append(p.freeIPs, host)
	}
	ips := p.freeIPs
	r.Shuffle(len(ips), func(i, j int) { ips[i], ips[j] = ips[j], ips[i] })
	return p
}

func (p *people) pick(list []string) string { return list[p.r.IntN(len(list))] }

// account makes up a person as of day.
func (p *people) account(day time.Time) model.Account {
	name, first := p.username()
	a := model.Account{
		Username:   name,
		Telegram:   p.telegram(first),
		Decentrala: p.r.IntN(5) == 0,
		Resident:   p.r.IntN(3) > 0,
		VPN:        []model.VPN{},
		SSHKeys:    []string{},
	}
	if p.r.IntN(10) < 7 {
		a.OTPPrefix = p.otpPrefix()
	}
	for range p.r.IntN(3) {
		p.addVPN(&a)
	}
	for range p.r.IntN(3) {
		p.addSSHKey(&a, first)
	}
	for range p.r.IntN(3) {
		p.addPayment(&a, day.AddDate(0, 0, -p.r.IntN(300)))
	}
	return a
}

func (p *people) username() (name, first string) {
	for n := 0; ; n++ {
		first, initials := p.pick(latinNames), latinInitials
		if p.r.IntN(3) == 0 {
			first, initials = p.pick(cyrillicNames), cyrillicInitials
		}
		name = first + " " + p.pick(initials) + "."
		if n > 20 {
			name += " " + strconv.Itoa(n)
		}
		if !p.usernames[name] {
			p.usernames[name] = true
			return name, first
		}
	}
}

// telegram is a handle, a numeric id (what the earlier service stored for
// people without a handle) or, for some, none.
func (p *people) telegram(first string) *string {
	if p.r.IntN(6) == 0 {
		return nil
	}
	for {
		t := toASCII.Replace(strings.ToLower(first)) + "_" + strconv.Itoa(100+p.r.IntN(9900))
		if p.r.IntN(5) == 0 {
			t = strconv.Itoa(1_000_000_000 + p.r.IntN(8_999_999_999))
		}
		if !p.telegrams[strings.ToLower(t)] {
			p.telegrams[strings.ToLower(t)] = true
			return &t
		}
	}
}

func (p *people) otpPrefix() *string {
	const first = "0123456789TMBOSLA" // no P: the keypad's P ends a code
	for {
		s := string(first[p.r.IntN(len(first))])
		for range p.r.IntN(4) {
			s += string(model.OTPSymbols[p.r.IntN(len(model.OTPSymbols))])
		}
		if !p.prefixes[s] {
			p.prefixes[s] = true
			return &s
		}
	}
}

// addVPN gives a an address while any is left.
func (p *people) addVPN(a *model.Account) {
	if len(p.freeIPs) == 0 {
		return
	}
	host := p.freeIPs[len(p.freeIPs)-1]
	p.freeIPs = p.freeIPs[:len(p.freeIPs)-1]
	ip := "192.168.11." + strconv.Itoa(host)
	a.VPN = append(a.VPN, model.VPN{IP: ip, WGPublicKey: wgKey(p.r)})
}

func (p *people) removeVPN(a *model.Account) {
	if len(a.VPN) == 0 {
		return
	}
	last := a.VPN[len(a.VPN)-1]
	host, _ := strconv.Atoi(strings.TrimPrefix(last.IP, "192.168.11."))
	p.freeIPs = append(p.freeIPs, host)
	a.VPN = slices.Clone(a.VPN[:len(a.VPN)-1])
}

func (p *people) addSSHKey(a *model.Account, first string) {
	p.sshCount++
	comment := fmt.Sprintf("%s@%s", toASCII.Replace(strings.ToLower(first)), p.pick(devices))
	key := ed25519Key(p.r, comment)
	// RSA keys are rarer than ed25519 ones among members, and slow to
	// make: one in forty.
	if p.sshCount%40 == 3 {
		key = rsaKey(p.r, comment)
	}
	a.SSHKeys = append(slices.Clone(a.SSHKeys), key)
}

// addPayment records a fee paid on day, keeping the payments sorted by
// date as the store keeps them.
func (p *people) addPayment(a *model.Account, day time.Time) {
	cur := p.pick(currencyWeights)
	pay := model.FeePayment{Date: day.Format(time.DateOnly), Currency: cur,
		Amount: json.Number(p.pick(fees[cur]))}
	list := append(slices.Clone(a.FeePayments), pay)
	slices.SortStableFunc(list, func(x, y model.FeePayment) int {
		return strings.Compare(x.Date, y.Date)
	})
	a.FeePayments = list
}
