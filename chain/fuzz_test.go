package chain_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/internal/testenv"
	"github.com/xecut/resident/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// seedChain is the chain the seed dump holds: three versions one second
// apart, then three that share a unixtime.
func seedChain(tb testing.TB) []file {
	tb.Helper()
	files := makeChain(3, 1700000000)
	last := chain.Sum(files[2].data)
	for i := range 3 {
		f := makeVersion(1700000003, last, "Мина", fmt.Sprintf("a\u2028<%d>", i))
		files, last = append(files, f), chain.Sum(f.data)
	}
	return files
}

// TestSeedDump keeps testdata/dump.json, the fuzz seed and the golden
// form of a dump, in step with WriteDump.
func TestSeedDump(t *testing.T) {
	dir := t.TempDir()
	files := seedChain(t)
	writeFiles(t, dir, files...)
	s := openStore(t, dir, newClock(1))
	vs, err := s.Versions("")
	if err != nil || len(vs) != len(files) {
		t.Fatalf("Versions = %d, %v, want %d", len(vs), err, len(files))
	}
	var buf bytes.Buffer
	if err := s.WriteDump(&buf, vs); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("testdata/dump.json", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/dump.json")
	if err != nil {
		t.Fatalf("%v (run go test ./chain -run TestSeedDump -update)", err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("WriteDump =\n%s\nwant (testdata/dump.json)\n%s", buf.Bytes(), want)
	}
}

func addDumpSeeds(f *testing.F) {
	data, err := os.ReadFile("testdata/dump.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"a.json":null}`))
	f.Add([]byte(`{"1-x.json":"{}"} {}`))
	c := makeChain(3, 1700000000)
	fork := makeVersion(1700000005, chain.Sum(c[0].data), "fork")
	for _, set := range [][]file{c[:1], {c[0], c[2]}, {c[0], c[1], fork}, {c[2], c[1], c[0]}} {
		f.Add(redump(f, set))
	}
}

// FuzzReadDump checks that a dump from anywhere never panics the reader
// or the verifier, and that what it reads survives being dumped again.
func FuzzReadDump(f *testing.F) {
	addDumpSeeds(f)
	f.Fuzz(func(t *testing.T, dump []byte) {
		var got []file
		err := chain.ReadDump(bytes.NewReader(dump), func(name string, data []byte) error {
			got = append(got, file{name, data})
			return nil
		})
		if err != nil {
			return
		}
		var vs []chain.Version
		for _, e := range got {
			if v, err := chain.ReadVersion(e.name, e.data); err == nil {
				vs = append(vs, v)
			}
		}
		chain.Order(vs)
		again := redump(t, got)
		var back []file
		if err := chain.ReadDump(bytes.NewReader(again), func(name string, data []byte) error {
			back = append(back, file{name, data})
			return nil
		}); err != nil {
			t.Fatalf("ReadDump(redump of %q) = %v", dump, err)
		}
		if fmt.Sprint(back) != fmt.Sprint(got) {
			t.Fatalf("entries changed by a second dump: %q, then %q", got, back)
		}
	})
}

// redump writes entries as a dump the way the server does for files.
func redump(tb testing.TB, entries []file) []byte {
	tb.Helper()
	return testenv.Dump(len(entries), func(i int) (string, []byte) {
		return entries[i].name, entries[i].data
	})
}

// FuzzReadVersion checks that any bytes, under their own hash, never panic
// ReadVersion or Order, and that a version that reads and links to the
// head of a sound chain extends it.
func FuzzReadVersion(f *testing.F) {
	for _, s := range seedChain(f) {
		f.Add(s.data)
	}
	if data, err := os.ReadFile(filepath.Join(testenv.LegacyDir(f), legacyHead)); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"meta":{"unixtime":"1","last_sha256":"` + chain.ZeroHash + `"}}`))
	base := versionsOf(f, makeChain(3, 1700000000))
	f.Fuzz(func(t *testing.T, data []byte) {
		unixtime := int64(0)
		var probe struct {
			Meta struct{ Unixtime int64 } `json:"meta"`
		}
		if json.Unmarshal(data, &probe) == nil {
			unixtime = max(probe.Meta.Unixtime, 0)
		}
		name := chain.FileName(unixtime, chain.Sum(data))
		v, err := chain.ReadVersion(name, data)
		chain.ReadVersion("x"+name, data)
		if err != nil {
			return
		}
		ordered, err := chain.Order(append(base[:3:3], v))
		if v.Last == base[2].SHA256 && (err != nil || ordered[3] != v) {
			t.Fatalf("Order(chain + %s) = %v, %v, want it at the end", name, names(ordered), err)
		}
		if v.Last != base[2].SHA256 && err == nil {
			t.Fatalf("Order(chain + %s) accepted a version linking to %s", name, v.Last)
		}
	})
}

// benchAccounts returns n accounts of the size the legacy data has.
func benchAccounts(n int) []model.Account {
	accounts := make([]model.Account, n)
	for i := range accounts {
		tg := fmt.Sprintf("member_%d", i)
		accounts[i] = model.Account{
			Username: fmt.Sprintf("Member %d Đ.", i), Telegram: &tg, Resident: i%3 != 0,
			VPN: []model.VPN{{IP: fmt.Sprintf("192.168.11.%d", 2+i%249),
				WGPublicKey: fmt.Sprintf("%043d=", i)}},
			SSHKeys: []string{"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM7MFQfcHd1ylZUcKQiI8JWtuQRNG3PWlubfBl1oO9T8 m@laptop"},
			FeePayments: []model.FeePayment{
				{Date: "2025-01-03", Currency: "RSD", Amount: "1500.0"},
				{Date: "2025-02-03", Currency: "EUR", Amount: "25.5"},
				{Date: "2025-03-03", Currency: "ETH", Amount: "0.0002"},
			},
		}
	}
	return accounts
}

// benchChain writes a chain of n versions of size accounts into a folder.
func benchChain(b *testing.B, n, accounts int) string {
	b.Helper()
	dir := b.TempDir()
	all := benchAccounts(accounts)
	last := chain.ZeroHash
	for i := range n {
		all[i%accounts].Resident = !all[i%accounts].Resident
		data := model.Marshal(model.Document{Meta: model.Meta{Unixtime: 1700000000 + int64(i), LastSHA256: last},
			Accounts: all})
		last = chain.Sum(data)
		writeFiles(b, dir, file{chain.FileName(1700000000+int64(i), last), data})
	}
	return dir
}

func BenchmarkReadVersion(b *testing.B) {
	for _, n := range []int{200, 2000} {
		data := model.Marshal(model.Document{Meta: model.Meta{Unixtime: 1, LastSHA256: chain.ZeroHash},
			Accounts: benchAccounts(n)})
		name := chain.FileName(1, chain.Sum(data))
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := chain.ReadVersion(name, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkLoadDir(b *testing.B) {
	for _, size := range []struct{ versions, accounts int }{{100, 200}, {1000, 20}} {
		dir := benchChain(b, size.versions, size.accounts)
		b.Run(fmt.Sprintf("versions=%d/accounts=%d", size.versions, size.accounts), func(b *testing.B) {
			for b.Loop() {
				vs, err := chain.LoadDir(dir)
				if err != nil || len(vs) != size.versions {
					b.Fatalf("LoadDir = %d, %v", len(vs), err)
				}
			}
		})
	}
}

// BenchmarkStoreMemory opens stores of 1,000 and 10,000 small versions
// (the head stays the same size) and reports the heap the open store
// keeps, after a collection, per version: what a longer history costs a
// running server.
func BenchmarkStoreMemory(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		dir := b.TempDir()
		writeFiles(b, dir, makeChain(n, 1700000000)...)
		b.Run(fmt.Sprintf("versions=%d", n), func(b *testing.B) {
			var kept uint64
			for b.Loop() {
				before := liveHeap()
				s, err := chain.Open(dir, time.Now)
				if err != nil {
					b.Fatal(err)
				}
				kept = liveHeap() - before
				runtime.KeepAlive(s)
				s.Close()
			}
			b.ReportMetric(float64(kept), "heap-bytes")
			b.ReportMetric(float64(kept)/float64(n), "heap-bytes/version")
		})
	}
}

// liveHeap is the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
