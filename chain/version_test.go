package chain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/chain"
)

const sumA = "5844ab29d3f48fbc1a720010367bf53084cdca46bcae327863038b0278bdab23"

func TestSum(t *testing.T) {
	tests := []struct {
		input string
		want  string
	}{
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	}
	for _, tt := range tests {
		if got := chain.Sum([]byte(tt.input)); got != tt.want {
			t.Errorf("Sum(%q) = %s, want %s", tt.input, got, tt.want)
		}
	}
	if got, want := chain.FileName(1736542445, sumA), "1736542445-"+sumA+".json"; got != want {
		t.Errorf("FileName(1736542445, %s) = %s, want %s", sumA, got, want)
	}
	if got := chain.FileName(0, chain.ZeroHash); got != "0-"+chain.ZeroHash+".json" {
		t.Errorf("FileName(0, ZeroHash) = %s", got)
	}
}

func TestParseName(t *testing.T) {
	tests := []struct {
		name     string
		input    string
		wantTime int64
		wantSum  string
		wantOK   bool
	}{
		{"version", "1736542445-" + sumA + ".json", 1736542445, sumA, true},
		{"time zero", "0-" + sumA + ".json", 0, sumA, true},
		{"largest time", "9223372036854775807-" + sumA + ".json", 9223372036854775807, sumA, true},
		{"time overflows", "9223372036854775808-" + sumA + ".json", 0, "", false},
		{"leading zero", "01736542445-" + sumA + ".json", 0, "", false},
		{"upper-case hash", "1736542445-" + strings.ToUpper(sumA) + ".json", 0, "", false},
		{"short hash", "1736542445-" + sumA[1:] + ".json", 0, "", false},
		{"negative time", "-1-" + sumA + ".json", 0, "", false},
		{"no time", "-" + sumA + ".json", 0, "", false},
		{"other extension", "1736542445-" + sumA + ".txt", 0, "", false},
		{"temp file", ".1736542445-" + sumA + ".json.tmp-123", 0, "", false},
		{"in a folder", "data/1736542445-" + sumA + ".json", 0, "", false},
		{"lock", ".resident.lock", 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotTime, gotSum, gotOK := chain.ParseName(tt.input)
			if gotTime != tt.wantTime || gotSum != tt.wantSum || gotOK != tt.wantOK {
				t.Errorf("ParseName(%q) = %d, %q, %v, want %d, %q, %v",
					tt.input, gotTime, gotSum, gotOK, tt.wantTime, tt.wantSum, tt.wantOK)
			}
		})
	}
}

func TestIsCandidate(t *testing.T) {
	tests := []struct {
		input string
		want  bool
	}{
		{"1736542445-" + sumA + ".json", true},
		{"123-abc.json", true},
		{"01736542445-" + sumA + ".json", true},
		{"1-.json", true},
		{"last.json", false},
		{".resident.lock", false},
		{"notes.txt", false},
		{"." + "1736542445-" + sumA + ".json.tmp-8812", false},
		{"1736542445-" + sumA + ".json.bak", false},
		{"backup-1736542445.json", false},
	}
	for _, tt := range tests {
		if got := chain.IsCandidate(tt.input); got != tt.want {
			t.Errorf("IsCandidate(%q) = %v, want %v", tt.input, got, tt.want)
		}
	}
}

func TestReadVersion(t *testing.T) {
	good := makeVersion(1700000000, sumA, "ana")
	named := func(data string) file {
		return file{chain.FileName(1700000000, chain.Sum([]byte(data))), []byte(data)}
	}
	metaWith := func(meta string) file {
		return named(`{"meta":` + meta + `,"accounts":[]}`)
	}
	tests := []struct {
		name     string
		input    file
		wantKind string
		wantMsg  string
	}{
		{"canonical", good, "", ""},
		{"python spacing",
			named(`{"meta": {"unixtime": 1700000000, "last_sha256": "` + sumA + `"}, "accounts": []}`), "", ""},
		{"meta last",
			named(`{"accounts":[],"meta":{"last_sha256":"` + sumA + `","unixtime":1700000000}}`), "", ""},
		{"bad name",
			file{"1700000000-abc.json", good.data}, chain.KindBadName, "<unixtime>-<sha256>.json"},
		{"leading zero in name", file{"0" + good.name, good.data}, chain.KindBadName, ""},
		{"content changed",
			file{good.name, append([]byte(" "), good.data...)}, chain.KindHashMismatch, "hashes to"},
		{"content cut short", file{good.name, good.data[:20]}, chain.KindHashMismatch, ""},
		{"not JSON", named(`{"meta":`), chain.KindUnreadable, "not well-formed"},
		{"empty", named(``), chain.KindUnreadable, "not well-formed"},
		{"two documents",
			named(string(good.data) + string(good.data)), chain.KindUnreadable, "not well-formed"},
		{"a list", named(`[]`), chain.KindUnreadable, "not a JSON object"},
		{"no meta", named(`{"accounts":[]}`), chain.KindUnreadable, "no meta"},
		{"meta null", metaWith(`null`), chain.KindUnreadable, "no meta"},
		{"meta a number", metaWith(`5`), chain.KindUnreadable, "no meta"},
		{"Meta in another case",
			named(`{"Meta":{"unixtime":1700000000,"last_sha256":"` + sumA + `"}}`),
			chain.KindUnreadable, "no meta"},
		{"unixtime missing",
			metaWith(`{"last_sha256":"` + sumA + `"}`), chain.KindUnreadable, "meta.unixtime"},
		{"unixtime quoted", metaWith(`{"unixtime":"1700000000","last_sha256":"` + sumA + `"}`),
			chain.KindUnreadable, "not a whole number"},
		{"unixtime fraction", metaWith(`{"unixtime":1700000000.0,"last_sha256":"` + sumA + `"}`),
			chain.KindUnreadable, "not a whole number"},
		{"unixtime in another case",
			metaWith(`{"UNIXTIME":1700000000,"last_sha256":"` + sumA + `"}`),
			chain.KindUnreadable, "meta.unixtime"},
		{"last missing", metaWith(`{"unixtime":1700000000}`), chain.KindUnreadable, "last_sha256"},
		{"last upper case",
			metaWith(`{"unixtime":1700000000,"last_sha256":"` + strings.ToUpper(sumA) + `"}`),
			chain.KindUnreadable, "64 lowercase hex"},
		{"last a number",
			metaWith(`{"unixtime":1700000000,"last_sha256":5}`), chain.KindUnreadable, "64 lowercase hex"},
		{"invalid UTF-8",
			named("{\"meta\":{\"unixtime\":1700000000,\"last_sha256\":\"" + sumA + "\"},\"x\":\"\xff\"}"),
			chain.KindUnreadable, "UTF-8"},
		{"time differs from name",
			file{chain.FileName(1700000001, chain.Sum(good.data)), good.data},
			chain.KindBadMeta, "meta.unixtime is 1700000000 but the name says 1700000001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := chain.ReadVersion(tt.input.name, tt.input.data)
			if tt.wantKind == "" {
				if err != nil {
					t.Fatalf("ReadVersion(%s, %q) = %v, want no error", tt.input.name, tt.input.data, err)
				}
				want := chain.Version{Name: tt.input.name, Unixtime: 1700000000, SHA256: chain.Sum(tt.input.data),
					Last: sumA, Size: int64(len(tt.input.data))}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("ReadVersion(%s) (-want +got):\n%s", tt.input.name, diff)
				}
				return
			}
			checkProblem(t, err, tt.input.name, tt.wantKind, tt.wantMsg)
		})
	}
}

// checkProblem asserts that err is a *chain.Problem naming file, of kind,
// whose detail mentions msg.
func checkProblem(t *testing.T, err error, file, kind, msg string) {
	t.Helper()
	var p *chain.Problem
	if !errors.As(err, &p) {
		t.Fatalf("error = %v (%T), want a *chain.Problem of kind %q", err, err, kind)
	}
	if p.File != file || p.Kind != kind || !strings.Contains(p.Detail, msg) {
		t.Errorf("problem = {%s, %s, %s}, want {%s, %s, ...%s...}", p.File, p.Kind, p.Detail, file, kind, msg)
	}
	if !strings.Contains(p.Error(), p.File) || !strings.Contains(p.Error(), p.Kind) {
		t.Errorf("Problem.Error() = %q, want the file and the kind in it", p.Error())
	}
}
