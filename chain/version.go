// Package chain keeps the versions of the account document as a hash chain:
// one file per version, named <unixtime>-<sha256>.json after its exact bytes,
// each naming the hash of the one before in meta.last_sha256. It reads,
// orders and verifies such chains, from a folder or from a server's dump,
// and the Store appends to one on disk.
package chain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ZeroHash is what the first version links to, and the hash the empty stub
// is taken to have.
const ZeroHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Stub is served while no version exists yet; the first write chains onto it.
var Stub = []byte(`{"meta":{"unixtime":0,"last_sha256":"` + ZeroHash + `"},"accounts":[]}`)

var (
	versionName = regexp.MustCompile(`^([0-9]{1,19})-([0-9a-f]{64})\.json$`)
	// lookalike catches names that were meant as versions but are not
	// valid ones, so they are reported instead of silently ignored.
	lookalike = regexp.MustCompile(`^[0-9]+-[^/]*\.json$`)
)

// Sum is the lowercase hex sha256 of data: the name of a version.
func Sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// FileName is the file name of a version.
func FileName(unixtime int64, sum string) string {
	return strconv.FormatInt(unixtime, 10) + "-" + sum + ".json"
}

// ParseName splits a version file name into its time and hash.
func ParseName(name string) (unixtime int64, sum string, ok bool) {
	m := versionName.FindStringSubmatch(name)
	if m == nil {
		return 0, "", false
	}
	t, err := strconv.ParseInt(m[1], 10, 64)
	// A leading zero would give one version two names.
	if err != nil || FileName(t, m[2]) != name {
		return 0, "", false
	}
	return t, m[2], true
}

// IsCandidate tells whether a file name is meant as a version: a valid
// version name or one that merely looks like it. Other files in a data
// folder (last.json, lock and state files, notes) are none of the chain's
// business.
func IsCandidate(name string) bool {
	return versionName.MatchString(name) || lookalike.MatchString(name)
}

// Version describes one version file; it holds no document, so that an
// index of a long history stays small.
type Version struct {
	Name     string
	Unixtime int64
	SHA256   string
	Last     string
	Size     int64
}

// ReadVersion checks that data is what name promises (its hash, a
// readable JSON document whose meta matches the name) and describes it.
func ReadVersion(name string, data []byte) (Version, error) {
	t, sum, ok := ParseName(name)
	if !ok {
		return Version{}, &Problem{File: name, Kind: KindBadName,
			Detail: "name is not <unixtime>-<sha256>.json"}
	}
	if got := Sum(data); got != sum {
		return Version{}, &Problem{File: name, Kind: KindHashMismatch,
			Detail: "content hashes to " + got}
	}
	meta, err := readMeta(data)
	if err != nil {
		return Version{}, &Problem{File: name, Kind: KindUnreadable, Detail: err.Error()}
	}
	if meta.Unixtime != t {
		return Version{}, &Problem{File: name, Kind: KindBadMeta,
			Detail: fmt.Sprintf("meta.unixtime is %d but the name says %d", meta.Unixtime, t)}
	}
	return Version{Name: name, Unixtime: t, SHA256: sum, Last: meta.Last, Size: int64(len(data))}, nil
}

type meta struct {
	Unixtime int64
	Last     string
}

// readMeta reads meta.unixtime and meta.last_sha256 and checks that the
// whole file is well-formed UTF-8 JSON. Keys are matched exactly and the
// time must be a JSON number, as the model reads them: encoding/json alone
// would also take "Meta", or "123" in quotes.
func readMeta(data []byte) (meta, error) {
	// A dump carries versions as JSON strings, which can't hold invalid
	// UTF-8: such a file could never reach a consumer unchanged.
	if !utf8.Valid(data) {
		return meta{}, fmt.Errorf("not valid UTF-8")
	}
	// Checking the whole input, trailing data included, comes first.
	if !json.Valid(data) {
		return meta{}, fmt.Errorf("not well-formed JSON")
	}
	raw, err := topLevelMember(data, "meta")
	if err != nil {
		return meta{}, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return meta{}, fmt.Errorf("no meta object")
	}
	t, err := strconv.ParseInt(string(m["unixtime"]), 10, 64)
	if err != nil {
		return meta{}, fmt.Errorf("meta.unixtime %.30s is not a whole number", m["unixtime"])
	}
	var last string
	if err := json.Unmarshal(m["last_sha256"], &last); err != nil ||
		len(last) != 64 || strings.Trim(last, "0123456789abcdef") != "" {
		return meta{}, fmt.Errorf("meta.last_sha256 %.70s is not 64 lowercase hex digits", m["last_sha256"])
	}
	return meta{Unixtime: t, Last: last}, nil
}
