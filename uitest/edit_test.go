package uitest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"

	"github.com/xecut/resident/internal/testenv"
	"github.com/xecut/resident/model"
)

// wantNewHead checks that the page stored exactly one new version, linked
// to before, whose accounts are want.
func wantNewHead(t *testing.T, s *site, before string, wantCount int, want []model.Account) {
	t.Helper()
	if n := len(s.versions(t)); n != wantCount {
		t.Fatalf("%d versions on disk, want %d", n, wantCount)
	}
	_, doc := s.headDoc(t)
	if doc.Meta.LastSHA256 != before {
		t.Errorf("new head links to %s, want the loaded version %s", doc.Meta.LastSHA256, before)
	}
	if diff := cmp.Diff(want, doc.Accounts); diff != "" {
		t.Errorf("stored accounts differ (-want +got):\n%s", diff)
	}
}

func strPtr(s string) *string { return &s }

func TestEditAndSave(t *testing.T) {
	s := newSite(t, testenv.LegacyDir(t))
	old, doc := s.headDoc(t)
	tb := openTab(t)
	tb.login(s, writeKey)

	tb.typeInto(rowSel(2)+" .telegram", "  mina_new ")
	tb.save()

	want := slices.Clone(doc.Accounts)
	want[1].Telegram = strPtr("mina_new")
	wantNewHead(t, s, old.SHA256, 31, want)
	if got := eval[string](tb, `document.querySelector('`+rowSel(2)+` .telegram').value`); got != "mina_new" {
		t.Errorf("after the reload the page shows telegram %q, want mina_new", got)
	}
	// The accounts the save left alone went back exactly as the store
	// encodes them, which lets the server take them as known instead of
	// decoding and checking them again (model.ParseUpdateKnown).
	body := s.posted()
	for i, a := range doc.Accounts {
		enc := model.Marshal(model.Document{Accounts: []model.Account{a}})
		_, acct, _ := bytes.Cut(enc, []byte(`"accounts":[`))
		acct = bytes.TrimSuffix(acct, []byte("]}"))
		if sent := bytes.Contains(body, acct); sent == (i == 1) {
			t.Errorf("account %d (%s): sent as stored = %v, want %v", i, a.Username, sent, i != 1)
		}
	}
}

func TestEmptiedFieldsBecomeNull(t *testing.T) {
	s := newSite(t, testenv.LegacyDir(t))
	old, doc := s.headDoc(t)
	tb := openTab(t)
	tb.login(s, writeKey)

	// Alex S. has both a Telegram name and an OTP prefix; blanks count as empty.
	tb.typeInto(rowSel(3)+" .telegram", "   ")
	tb.typeInto(rowSel(3)+" .otp", " ")
	tb.save()

	want := slices.Clone(doc.Accounts)
	want[2].Telegram, want[2].OTPPrefix = nil, nil
	wantNewHead(t, s, old.SHA256, 31, want)
}

func TestAddAccount(t *testing.T) {
	s := newSite(t, testenv.LegacyDir(t))
	old, doc := s.headDoc(t)
	tb := openTab(t)
	tb.login(s, writeKey)

	tb.do(chromedp.Click(chromedp.CSS("#add-account")))
	if got := eval[[]shownAccount](tb, readTable)[18]; !cmp.Equal(got, shown([]model.Account{{}})[0]) {
		t.Errorf("a new account starts as %+v, want empty with no VPN, SSH or fee rows", got)
	}
	wg, sshKey := newWireGuardKey(t), newSSHKey(t)
	tb.do(
		chromedp.SendKeys(row(19, ".username"), "Нова Особа"),
		chromedp.SendKeys(row(19, ".telegram"), "nova_osoba"),
		chromedp.Click(row(19, ".resident")),
		chromedp.SendKeys(row(19, ".otp"), "123"),
		chromedp.Click(row(19, ".add-vpn")),
		chromedp.SetValue(row(19, ".vpn-key"), wg),
		chromedp.Click(row(19, ".add-ssh")),
		chromedp.SetValue(row(19, ".ssh-key"), sshKey),
		chromedp.Click(row(19, ".add-fee")),
		chromedp.SetValue(row(19, ".fee-date"), "2026-01-15"),
		chromedp.SetValue(row(19, ".fee-currency"), "EUR"),
		chromedp.SendKeys(row(19, ".fee-amount"), "12.50"),
	)
	ip := eval[string](tb, `document.querySelector('`+rowSel(19)+` .vpn-ip').value`)
	if want := lowestFreeAddress(doc.Accounts); ip != want {
		t.Errorf("+ VPN filled in %q, want the lowest free address %q", ip, want)
	}
	tb.save()

	want := append(slices.Clone(doc.Accounts), model.Account{
		Username: "Нова Особа", Telegram: strPtr("nova_osoba"), Resident: true,
		OTPPrefix:   strPtr("123"),
		VPN:         []model.VPN{{IP: ip, WGPublicKey: wg}},
		SSHKeys:     []string{sshKey},
		FeePayments: []model.FeePayment{{Date: "2026-01-15", Currency: "EUR", Amount: "12.50"}},
	})
	wantNewHead(t, s, old.SHA256, 31, want)
}

func lowestFreeAddress(accounts []model.Account) string {
	used := map[string]bool{}
	for _, a := range accounts {
		for _, v := range a.VPN {
			used[v.IP] = true
		}
	}
	for n := model.MinVPNHost; n <= model.MaxVPNHost; n++ {
		if ip := "192.168.11." + strconv.Itoa(n); !used[ip] {
			return ip
		}
	}
	return ""
}

func newWireGuardKey(tb testing.TB) string {
	tb.Helper()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		tb.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(key)
}

func newSSHKey(tb testing.TB) string {
	tb.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	key, err := ssh.NewPublicKey(pub)
	if err != nil {
		tb.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key))) + " nova@laptop"
}

func TestDeleteAccount(t *testing.T) {
	s := newSite(t, testenv.LegacyDir(t))
	old, doc := s.headDoc(t)
	tb := openTab(t)
	tb.login(s, writeKey)

	tb.do(chromedp.Click(row(3, "button.delete")))
	if n := eval[int](tb, `document.querySelectorAll('#accounts > tbody > tr.account').length`); n != 17 {
		t.Errorf("%d rows after Delete, want 17", n)
	}
	tb.save()

	want := slices.Delete(slices.Clone(doc.Accounts), 2, 3)
	wantNewHead(t, s, old.SHA256, 31, want)
}

func TestRemoveRows(t *testing.T) {
	s := newSite(t, testenv.LegacyDir(t))
	old, doc := s.headDoc(t)
	tb := openTab(t)
	tb.login(s, writeKey)

	// Nikola S. (row 5) has three VPN entries, one SSH key and two fees.
	tb.do(chromedp.Click(row(5, "tr.vpn:nth-child(2) button.remove")),
		chromedp.Click(row(5, "tr.ssh button.remove")),
		chromedp.Click(row(5, "tr.fee:nth-child(1) button.remove")))
	tb.save()

	want := slices.Clone(doc.Accounts)
	a := want[4]
	a.VPN = slices.Delete(slices.Clone(a.VPN), 1, 2)
	a.SSHKeys = []string{}
	a.FeePayments = a.FeePayments[1:]
	want[4] = a
	wantNewHead(t, s, old.SHA256, 31, want)
}

func TestAmountsSurviveAnUnchangedSave(t *testing.T) {
	s := newSite(t, testenv.LegacyDir(t))
	_, doc := s.headDoc(t)
	accounts := slices.Clone(doc.Accounts)
	first := accounts[0]
	first.FeePayments = append(slices.Clone(first.FeePayments),
		model.FeePayment{Date: "2025-04-01", Currency: "ETH", Amount: "0.000000000000000001"},
		model.FeePayment{Date: "2025-05-01", Currency: "BTC", Amount: "1e-05"},
		model.FeePayment{Date: "2025-06-01", Currency: "RSD", Amount: "1E+2"})
	accounts[0] = first
	s.commit(t, accounts)
	before, _ := s.headDoc(t)

	tb := openTab(t)
	tb.login(s, writeKey)
	got := eval[[]shownAccount](tb, readTable)[0].Fees
	if diff := cmp.Diff(shown(accounts[:1])[0].Fees, got); diff != "" {
		t.Errorf("amounts shown differ from the stored text (-want +got):\n%s", diff)
	}
	tb.save()

	after, _ := s.headDoc(t)
	if n := len(s.versions(t)); n != 31 || after.SHA256 != before.SHA256 {
		t.Errorf("saving unchanged data gave %d versions, head %s; want 31, head %s",
			n, after.Name, before.Name)
	}
}

func TestConflictKeepsWhatWasTyped(t *testing.T) {
	s := newSite(t, testenv.LegacyDir(t))
	_, doc := s.headDoc(t)
	tb := openTab(t)
	tb.login(s, writeKey)

	theirs := slices.Clone(doc.Accounts)
	theirs[2].Telegram = strPtr("changed_elsewhere")
	s.post(t, theirs)
	theirHead, _ := s.headDoc(t)

	tb.typeInto(rowSel(1)+" .telegram", "typed_here")
	tb.clickSave()

	status := tb.statusText()
	for _, want := range []string{"error", "Someone else saved", "Reloading the page shows their version"} {
		if !strings.Contains(strings.ToLower(status), strings.ToLower(want)) {
			t.Errorf("status %q does not say %q", status, want)
		}
	}
	if got := eval[string](tb, `document.querySelector('`+rowSel(1)+` .telegram').value`); got != "typed_here" {
		t.Errorf("after the 412 the input holds %q, want what was typed", got)
	}
	if head, _ := s.headDoc(t); head.SHA256 != theirHead.SHA256 || len(s.versions(t)) != 31 {
		t.Errorf("the page's save was stored over the other writer's version")
	}
}

func TestProblemsShownAndMarked(t *testing.T) {
	s := newSite(t, testenv.LegacyDir(t))
	tb := openTab(t)
	tb.login(s, writeKey)

	tb.do(chromedp.SetValue(row(2, ".vpn-ip"), "192.168.11.251"))
	tb.clickSave()
	wantProblems(t, tb, `Account "Mina N." (row 2), VPN 1, IP: must be between`)
	wantMarked(t, tb, rowSel(2)+" .vpn-ip")
	tb.shot("problems")
	if n := len(s.versions(t)); n != 30 {
		t.Errorf("%d versions after a refused save, want 30", n)
	}

	tb.do(chromedp.SendKeys(row(2, ".vpn-ip"), "\b"))
	if eval[bool](tb, `document.querySelector('`+rowSel(2)+` .vpn-ip').classList.contains('invalid')`) {
		t.Errorf("the mark stays after the field was edited")
	}

	// An amount that is not a JSON number is caught before sending.
	tb.do(chromedp.SetValue(row(1, ".fee-amount"), "12,5"))
	tb.clickSave()
	wantProblems(t, tb, `Account "Stefan Đ." (row 1), Fee 1, amount: must be a number`)
	wantMarked(t, tb, rowSel(1)+" tr.fee:nth-child(1) .fee-amount")
}

func wantProblems(t *testing.T, tb *tab, want ...string) {
	t.Helper()
	if status := tb.statusText(); !strings.Contains(status, "error") {
		t.Errorf("status %q lacks the word error", status)
	}
	got := eval[[]string](tb, `Array.from(document.querySelectorAll('#problems li'), (li) => li.innerText)`)
	if len(got) != len(want) {
		t.Fatalf("problems shown = %q, want %d like %q", got, len(want), want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %q, want it to start with %q", i, got[i], want[i])
		}
	}
}

func wantMarked(t *testing.T, tb *tab, sel string) {
	t.Helper()
	q := `document.querySelector(` + jsString(sel) + `)`
	if !eval[bool](tb, q+`.classList.contains('invalid') && `+q+`.getAttribute('aria-invalid') === 'true'`) {
		t.Errorf("%s is not marked invalid", sel)
	}
	if n := eval[int](tb, `document.querySelectorAll('.invalid').length`); n != 1 {
		t.Errorf("%d inputs marked, want 1", n)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
