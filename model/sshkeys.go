package model

import (
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
)

// sshKeyCacheSize bounds the remembered key lines: far more keys than a
// hackspace has, few enough that the memory does not matter.
const sshKeyCacheSize = 4096

// sshKeys remembers what parsing a key line gave. Parsing is deterministic
// and costs most of a document's validation, and every write repeats the
// keys of the head, so each line is parsed once per process.
var sshKeys = struct {
	sync.Mutex
	m map[string]sshKeyResult
}{m: map[string]sshKeyResult{}}

type sshKeyResult struct {
	blob  string
	valid bool
}

// sshKeyBlob returns the wire encoding of the key on line, and whether the
// line is exactly one OpenSSH public key. Options would make the line an
// authorized_keys entry rather than a key: "ssh-x,command=... ssh-ed25519
// AAAA..." starts with ssh- too.
func sshKeyBlob(line string) (string, bool) {
	sshKeys.Lock()
	r, ok := sshKeys.m[line]
	sshKeys.Unlock()
	if ok {
		return r.blob, r.valid
	}
	key, _, options, rest, err := ssh.ParseAuthorizedKey([]byte(line))
	if err == nil && len(rest) == 0 && len(options) == 0 {
		r = sshKeyResult{blob: string(key.Marshal()), valid: true}
	}
	sshKeys.Lock()
	if len(sshKeys.m) >= sshKeyCacheSize {
		clear(sshKeys.m)
	}
	sshKeys.m[strings.Clone(line)] = r
	sshKeys.Unlock()
	return r.blob, r.valid
}
