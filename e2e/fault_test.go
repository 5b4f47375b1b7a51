package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/model"
)

// answer is what the server said to one request; err is set when no
// answer came (connection refused or cut).
type answer struct {
	status int
	body   string
	etag   string
	err    error
}

func (a answer) ok() bool { return a.err == nil && a.status == 200 && a.body == `{"ok":true}` }

// call sends one request with a key and reads the whole answer.
func call(ctx context.Context, method, url, key string, body []byte, hdr ...string) answer {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return answer{err: err}
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: string(data), etag: resp.Header.Get("ETag"), err: err}
}

// baseAccounts are in every posted document; each POST adds one account
// of its own, so that every version names the POST it came from.
var baseAccounts = []map[string]any{
	{"username": "Mina Đ.", "telegram": "mina_dj", "decentrala": true, "resident": true,
		"otp_prefix": "1234", "vpn": []map[string]any{{"ip": "192.168.11.7",
			"wg_public_key": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}},
		"fee_payments": []map[string]any{
			{"date": "2025-03-01", "currency": "RSD", "amount": json.Number("1500.0")}}},
	{"username": "Стефан К.", "decentrala": false, "resident": false},
}

// uniqueBody is a whole document whose one extra account is named tag.
func uniqueBody(tag string) []byte {
	accounts := append([]map[string]any{}, baseAccounts...)
	accounts = append(accounts, map[string]any{"username": tag, "decentrala": false, "resident": true})
	data, _ := json.Marshal(map[string]any{"accounts": accounts})
	return data
}

// chainTags loads the chain in dir, checks it as the server and the
// audit command see it, and returns the tag each version carries, in
// chain order.
func chainTags(tb testing.TB, bin, dir string) []string {
	tb.Helper()
	vs, err := chain.LoadDir(dir)
	if err != nil {
		tb.Fatalf("chain.LoadDir(%s) = %v, want a sound chain", dir, err)
	}
	got := verifyJSON(tb, bin, nil, "--dir", dir)
	if got.Versions != len(vs) {
		tb.Errorf("verify-chain found %d versions, LoadDir %d", got.Versions, len(vs))
	}
	tags := make([]string, len(vs))
	for i, v := range vs {
		data, err := os.ReadFile(filepath.Join(dir, v.Name))
		if err != nil {
			tb.Fatal(err)
		}
		doc, err := model.Parse(data)
		if err != nil {
			tb.Fatalf("%s: %v", v.Name, err)
		}
		if n := len(doc.Accounts); n != len(baseAccounts)+1 {
			tb.Fatalf("%s holds %d accounts, want %d", v.Name, n, len(baseAccounts)+1)
		}
		tags[i] = doc.Accounts[len(baseAccounts)].Username
	}
	return tags
}

// ledger records what writers sent and what the server acknowledged.
type ledger struct {
	mu      sync.Mutex
	sent    map[string]bool
	acked   map[string]bool
	refused map[string]int // tag to the status of a definite refusal
	// firstRefusal is the first refusal's status and body, for the log.
	firstRefusal string
}

func newLedger() *ledger {
	return &ledger{sent: map[string]bool{}, acked: map[string]bool{}, refused: map[string]int{}}
}

func (l *ledger) post(ctx context.Context, base, tag string, hdr ...string) answer {
	l.mu.Lock()
	l.sent[tag] = true
	l.mu.Unlock()
	a := call(ctx, http.MethodPost, base+"/accounts", writeKey, uniqueBody(tag), hdr...)
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case a.ok():
		l.acked[tag] = true
	case a.err == nil:
		l.refused[tag] = a.status
		if l.firstRefusal == "" {
			l.firstRefusal = fmt.Sprintf("%d %s", a.status, a.body)
		}
	}
	return a
}

// check compares the chain with the ledger: every acknowledged POST is in
// it once, no refused or unsent one is, and nothing is in it twice.
func (l *ledger) check(tb testing.TB, tags []string) {
	tb.Helper()
	seen := map[string]bool{}
	for _, tag := range tags {
		switch {
		case seen[tag]:
			tb.Errorf("%q is in the chain twice", tag)
		case !l.sent[tag]:
			tb.Errorf("%q is in the chain but was never sent", tag)
		case l.refused[tag] != 0:
			tb.Errorf("%q is in the chain but its POST was answered %d", tag, l.refused[tag])
		}
		seen[tag] = true
	}
	for tag := range l.acked {
		if !seen[tag] {
			tb.Errorf("%q was acknowledged with {\"ok\":true} but is not in the chain", tag)
		}
	}
}

// faultSeed is the seed of the random instants, printed so that a failing
// run can be repeated with RESIDENT_FAULT_SEED.
func faultSeed(tb testing.TB) uint64 {
	tb.Helper()
	seed := uint64(20250601)
	if s := os.Getenv("RESIDENT_FAULT_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			tb.Fatalf("RESIDENT_FAULT_SEED=%q: %v", s, err)
		}
		seed = n
	}
	tb.Logf("fault seed %d (repeat with RESIDENT_FAULT_SEED=%d)", seed, seed)
	return seed
}

// TestKillDuringWrites kills resident serve with SIGKILL at random
// instants while writers post, restarts it, and checks that the chain is
// sound and holds every acknowledged write and nothing else.
func TestKillDuringWrites(t *testing.T) {
	const rounds, writers = 6, 6
	bin := residentBinary(t)
	dir := filepath.Join(t.TempDir(), "data")
	r := rand.New(rand.NewPCG(faultSeed(t), 7))
	l := newLedger()
	addr := freeAddr(t)
	for round := range rounds {
		p := runServe(t, bin, dir, addr)
		before := len(l.acked)
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ctx.Err() == nil; i++ {
					l.post(ctx, p.base, fmt.Sprintf("r%d-w%d-%04d", round, w, i))
				}
			}()
		}
		// Early kills catch the server right after start-up, later ones
		// in the middle of a stream of writes.
		time.Sleep(time.Duration(20+r.IntN(600)) * time.Millisecond)
		p.kill()
		cancel()
		wg.Wait()
		t.Logf("round %d: %d writes acknowledged before the kill", round, len(l.acked)-before)
	}
	p := runServe(t, bin, dir, addr) // refuses to start on a broken chain
	head := call(context.Background(), http.MethodGet, p.base+"/accounts", readKey, nil)
	p.stop()
	if len(l.refused) > 0 {
		t.Errorf("%d writes were refused, the first with %s", len(l.refused), l.firstRefusal)
	}
	if len(l.acked) == 0 {
		t.Fatalf("no write was acknowledged in %d rounds: the test proved nothing", rounds)
	}
	tags := chainTags(t, bin, dir)
	l.check(t, tags)
	vs, _ := chain.LoadDir(dir)
	if want := `"` + vs[len(vs)-1].SHA256 + `"`; head.etag != want {
		t.Errorf("after the restarts the server served head %s, want the chain's last %s",
			head.etag, want)
	}
	t.Logf("%d sent, %d acknowledged, %d versions, %d leftover temp files",
		len(l.sent), len(l.acked), len(tags), countTemps(t, dir))
}

// countTemps counts files in dir that are neither versions nor the lock:
// the temp files a killed write leaves behind, which start-up ignores.
func countTemps(tb testing.TB, dir string) int {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !chain.IsCandidate(e.Name()) && e.Name() != chain.LockFile {
			n++
		}
	}
	return n
}
