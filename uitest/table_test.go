package uitest

import "github.com/xecut/resident/model"

// shownAccount is an account as the page shows it, read from its inputs.
type shownAccount struct {
	Username   string     `json:"username"`
	Telegram   string     `json:"telegram"`
	Decentrala bool       `json:"decentrala"`
	Resident   bool       `json:"resident"`
	OTPPrefix  string     `json:"otp_prefix"`
	VPN        []shownVPN `json:"vpn"`
	SSHKeys    []string   `json:"ssh_keys"`
	Fees       []shownFee `json:"fees"`
}

type shownVPN struct {
	IP  string `json:"ip"`
	Key string `json:"key"`
}

type shownFee struct {
	Date     string `json:"date"`
	Currency string `json:"currency"`
	Amount   string `json:"amount"`
}

// readTable is the script that reads the table back from the page.
const readTable = `Array.from(document.querySelectorAll('#accounts > tbody > tr.account'), (tr) => {
  const v = (root, sel) => root.querySelector(sel).value;
  return {
    username: v(tr, '.username'), telegram: v(tr, '.telegram'),
    decentrala: tr.querySelector('.decentrala').checked,
    resident: tr.querySelector('.resident').checked,
    otp_prefix: v(tr, '.otp'),
    vpn: Array.from(tr.querySelectorAll('tr.vpn'), (r) => ({ip: v(r, '.vpn-ip'), key: v(r, '.vpn-key')})),
    ssh_keys: Array.from(tr.querySelectorAll('tr.ssh'), (r) => v(r, '.ssh-key')),
    fees: Array.from(tr.querySelectorAll('tr.fee'), (r) => ({
      date: v(r, '.fee-date'), currency: v(r, '.fee-currency'), amount: v(r, '.fee-amount')})),
  };
})`

// shown is what the page must show for accounts.
func shown(accounts []model.Account) []shownAccount {
	out := make([]shownAccount, 0, len(accounts))
	for _, a := range accounts {
		s := shownAccount{
			Username: a.Username, Telegram: deref(a.Telegram), Decentrala: a.Decentrala,
			Resident: a.Resident, OTPPrefix: deref(a.OTPPrefix),
			VPN: []shownVPN{}, SSHKeys: []string{}, Fees: []shownFee{},
		}
		for _, v := range a.VPN {
			s.VPN = append(s.VPN, shownVPN{IP: v.IP, Key: v.WGPublicKey})
		}
		s.SSHKeys = append(s.SSHKeys, a.SSHKeys...)
		for _, f := range a.FeePayments {
			s.Fees = append(s.Fees, shownFee{Date: f.Date, Currency: f.Currency, Amount: string(f.Amount)})
		}
		out = append(out, s)
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// controls is what a role can see and use on the page.
type controls struct {
	Access     string   `json:"access"`
	Rows       int      `json:"rows"`
	Save       bool     `json:"save"`
	AddAccount bool     `json:"addAccount"`
	Deletes    int      `json:"deletes"`
	Adds       int      `json:"adds"`
	Removes    int      `json:"removes"`
	Enabled    []string `json:"enabled"`
}

const readControls = `(() => {
  const shown = (sel) => { const e = document.querySelector(sel); return !!e && e.offsetParent !== null; };
  const n = (sel) => document.querySelectorAll(sel).length;
  const enabled = new Set(Array.from(document.querySelectorAll('#accounts input, #accounts select'))
    .filter((e) => !e.disabled).map((e) => e.className));
  return {
    access: document.querySelector('#access').innerText,
    rows: n('#accounts > tbody > tr.account'),
    save: shown('#save'), addAccount: shown('#add-account'),
    deletes: n('#accounts button.delete'),
    adds: n('#accounts button.add-vpn, #accounts button.add-ssh, #accounts button.add-fee'),
    removes: n('#accounts button.remove'),
    enabled: Array.from(enabled).sort(),
  };
})()`
