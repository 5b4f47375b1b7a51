package model_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/xecut/resident/model"
)

// addSeeds adds every testdata input and, when the folder is there, the
// legacy versions to the fuzz corpus.
func addSeeds(f *testing.F) {
	inputs, _ := filepath.Glob("testdata/canonical/*")
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, data := range legacyFiles(f) {
		f.Add(data)
	}
	f.Add(stored(account("ana", set("vpn", []any{vpn("192.168.11.02", wgKeyA)}))))
	f.Add([]byte(`{"accounts":[{"username":"a\u2028","resident":true,"decentrala":false}]} `))
}

// FuzzParse checks that Parse never panics and that whatever it accepts
// has one canonical form: Marshal, Parse again, Marshal gives the same bytes.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := model.Parse(data)
		if err != nil {
			return
		}
		canon := model.Marshal(*doc)
		again, err := model.Parse(canon)
		if err != nil {
			t.Fatalf("Parse(Marshal(Parse(%q))) = %v, want no problem", data, err)
		}
		if got := model.Marshal(*again); !bytes.Equal(got, canon) {
			t.Fatalf("canonical form not stable for %q:\n%s\n%s", data, canon, got)
		}
	})
}

// FuzzParseUpdate checks the same of a write body, which is what the
// store turns into a new version.
func FuzzParseUpdate(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		accounts, err := model.ParseUpdate(data)
		if err != nil {
			if accounts != nil {
				t.Fatalf("ParseUpdate(%q) returned accounts with error %v", data, err)
			}
			return
		}
		doc := model.Document{Meta: model.Meta{Unixtime: 1, LastSHA256: hashA}, Accounts: accounts}
		canon := model.Marshal(doc)
		again, err := model.ParseUpdate(canon)
		if err != nil {
			t.Fatalf("ParseUpdate(Marshal(ParseUpdate(%q))) = %v, want no problem", data, err)
		}
		if !model.EqualAccounts(accounts, again) {
			t.Fatalf("accounts of %q changed by a round trip", data)
		}
		if _, err := model.Parse(canon); err != nil {
			t.Fatalf("Parse of the stored form of %q = %v", data, err)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	for _, n := range []int{200, 2000} {
		data := model.Marshal(model.Document{Meta: model.Meta{Unixtime: 1, LastSHA256: hashA},
			Accounts: makeAccounts(b, n)})
		if _, err := model.Parse(data); err != nil {
			b.Fatalf("Parse of %d generated accounts = %v", n, err)
		}
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				model.Parse(data)
			}
		})
	}
}

func BenchmarkMarshal(b *testing.B) {
	for _, n := range []int{200, 2000} {
		doc := model.Document{Meta: model.Meta{Unixtime: 1, LastSHA256: hashA}, Accounts: makeAccounts(b, n)}
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(model.Marshal(doc))))
			for b.Loop() {
				model.Marshal(doc)
			}
		})
	}
}
