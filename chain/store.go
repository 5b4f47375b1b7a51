package chain

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"

	"github.com/xecut/resident/atomicfile"
	"github.com/xecut/resident/model"
)

// LockFile is the name of the lock that keeps a second server off a folder.
const LockFile = ".resident.lock"

var (
	// ErrLocked means another process holds the data folder.
	ErrLocked = errors.New("another resident serve holds this data folder")
	// ErrPrecondition means the head moved on since the writer loaded it.
	ErrPrecondition = errors.New("the data changed since it was loaded")
	// ErrUnknownVersion means a hash that names no version of the chain.
	ErrUnknownVersion = errors.New("no such version in the chain")
)

// Head is the newest version, or the stub while there is none.
type Head struct {
	SHA256 string
	Bytes  []byte
	Doc    *model.Document
	// Invalid is set when the stored head breaks a rule of the model
	// (written before the rule existed); it is still served.
	Invalid error
	// Known is the head's accounts for model.ParseUpdateKnown, nil when
	// the head breaks a rule: only sound accounts may skip the checks.
	Known *model.Known
}

// Store is a chain of versions in a folder, held by one process. Reads run
// concurrently; writes are serialized.
type Store struct {
	dir  string
	lock *flock.Flock
	now  func() time.Time

	writeMu sync.Mutex // held for a whole Commit

	mu    sync.RWMutex // guards what follows
	index []entry      // every version, in chain order
	head  Head
}

// entry is a version as the store remembers it: 48 bytes, so that a long
// history costs the server little memory. Its name follows from its time
// and hash, and its link is the hash of the entry before it.
type entry struct {
	unixtime int64
	size     int64
	sum      [sha256.Size]byte
}

func newEntry(v Version) entry {
	e := entry{unixtime: v.Unixtime, size: v.Size}
	hex.Decode(e.sum[:], []byte(v.SHA256))
	return e
}

// version describes the entry at i of index.
func version(index []entry, i int) Version {
	e := index[i]
	sum := hex.EncodeToString(e.sum[:])
	last := ZeroHash
	if i > 0 {
		last = hex.EncodeToString(index[i-1].sum[:])
	}
	return Version{Name: FileName(e.unixtime, sum), Unixtime: e.unixtime, SHA256: sum,
		Last: last, Size: e.size}
}

// Open locks dir, verifies the chain in it and loads the head. now is the
// clock new versions are stamped with. dir is created when missing, but not
// its parent: a typo higher up the path must not start an empty chain.
func Open(dir string, now func() time.Time) (*Store, error) {
	if err := makeDir(dir); err != nil {
		return nil, err
	}
	lock := flock.New(filepath.Join(dir, LockFile))
	ok, err := lock.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", lock.Path(), err)
	}
	if !ok {
		return nil, fmt.Errorf("%s: %w", dir, ErrLocked)
	}
	s := &Store{dir: dir, lock: lock, now: now}
	if err := s.load(); err != nil {
		lock.Unlock()
		return nil, err
	}
	return s, nil
}

// makeDir creates dir unless it exists; its parent must exist.
func makeDir(dir string) error {
	err := os.Mkdir(dir, 0o755)
	switch {
	case err == nil, errors.Is(err, os.ErrExist):
		return nil
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("create data folder %s: the folder %s does not exist: %w",
			dir, filepath.Dir(filepath.Clean(dir)), err)
	}
	return fmt.Errorf("create data folder: %w", err)
}

func (s *Store) load() error {
	vs, err := LoadDir(s.dir)
	if err != nil {
		return err
	}
	s.index = make([]entry, len(vs))
	for i, v := range vs {
		s.index[i] = newEntry(v)
	}
	if len(vs) == 0 {
		s.head = stubHead()
		return nil
	}
	last := vs[len(vs)-1]
	data, err := os.ReadFile(filepath.Join(s.dir, last.Name))
	if err != nil {
		return fmt.Errorf("read head: %w", err)
	}
	doc, perr := model.Parse(data)
	if doc == nil {
		return &Problem{File: last.Name, Kind: KindUnreadable, Detail: perr.Error()}
	}
	s.head = Head{SHA256: last.SHA256, Bytes: data, Doc: doc, Invalid: perr}
	if perr == nil {
		s.head.Known = model.KnowAccounts(doc.Accounts)
	}
	return nil
}

func stubHead() Head {
	return Head{SHA256: ZeroHash, Bytes: Stub,
		Doc: &model.Document{Meta: model.Meta{LastSHA256: ZeroHash}, Accounts: []model.Account{}}}
}

// Close releases the folder, after the write in flight, if any, is done.
func (s *Store) Close() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.lock.Unlock()
}

// Dir is the data folder.
func (s *Store) Dir() string { return s.dir }

// Head returns the newest version. Its fields must not be modified.
func (s *Store) Head() Head {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.head
}

// Len is the number of versions in the chain.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.index)
}

// Versions returns the versions after since in chain order, or all of them
// when since is empty or ZeroHash.
func (s *Store) Versions(since string) ([]Version, error) {
	s.mu.RLock()
	// Entries are only ever appended, so this slice of the current backing
	// array stays valid after the lock is released.
	index := s.index[:len(s.index):len(s.index)]
	s.mu.RUnlock()
	from := 0
	if since != "" && since != ZeroHash {
		i, ok := find(index, since)
		if !ok {
			return nil, fmt.Errorf("%s: %w", Short(since), ErrUnknownVersion)
		}
		from = i + 1
	}
	vs := make([]Version, 0, len(index)-from)
	for i := from; i < len(index); i++ {
		vs = append(vs, version(index, i))
	}
	return vs, nil
}

// find returns the position of the version whose hash is sum. It looks
// from the newest back, because a consumer asks for what came after the
// version it has, which is almost always a recent one.
func find(index []entry, sum string) (int, bool) {
	var want [sha256.Size]byte
	// Names are written in lowercase hex, and only that names a version.
	if len(sum) != hex.EncodedLen(len(want)) || sum != strings.ToLower(sum) {
		return 0, false
	}
	if _, err := hex.Decode(want[:], []byte(sum)); err != nil {
		return 0, false
	}
	for i := len(index) - 1; i >= 0; i-- {
		if index[i].sum == want {
			return i, true
		}
	}
	return 0, false
}

// Commit writes a new version. update gets the current head and returns the
// accounts of the next version: sound ones, as model.ParseUpdate returns
// them, or the head's changed in residency only. When they equal the
// head's, nothing is written and changed is false. ifMatch, when not empty, must be the head's
// hash or Commit fails with ErrPrecondition. A failed write leaves the head
// as it was.
func (s *Store) Commit(ifMatch string, update func(Head) ([]model.Account, error)) (v Version, changed bool, err error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	head := s.Head()
	if ifMatch != "" && ifMatch != head.SHA256 {
		return Version{}, false, ErrPrecondition
	}
	accounts, err := update(head)
	if err != nil {
		return Version{}, false, err
	}
	if model.EqualAccounts(head.Doc.Accounts, accounts) {
		return s.headVersion(), false, nil
	}
	t := s.now().Unix()
	if t <= head.Doc.Meta.Unixtime {
		t = head.Doc.Meta.Unixtime + 1
	}
	doc := model.Document{Meta: model.Meta{Unixtime: t, LastSHA256: head.SHA256}, Accounts: accounts}
	data, known := model.MarshalKnown(doc, head.Known)
	sum := Sum(data)
	v = Version{Name: FileName(t, sum), Unixtime: t, SHA256: sum, Last: head.SHA256, Size: int64(len(data))}
	path := filepath.Join(s.dir, v.Name)
	if written, err := atomicfile.WriteFile(path, data, atomicfile.Options{ExpectAbsent: true}); err != nil {
		if written {
			// The rename happened but could not be made durable: take it
			// back so that disk and memory agree on the head.
			os.Remove(path)
		}
		return Version{}, false, fmt.Errorf("store version: %w", err)
	}
	next := Head{SHA256: sum, Bytes: data, Doc: &doc, Known: known}
	if head.Invalid != nil {
		// An update may carry accounts over from a head that breaks a rule
		// (the election key flips residency only), so the new head is
		// judged again rather than taken for sound.
		if _, next.Invalid = model.Parse(data); next.Invalid != nil {
			next.Known = nil
		}
	}
	s.mu.Lock()
	s.index = append(s.index, newEntry(v))
	s.head = next
	s.mu.Unlock()
	return v, true, nil
}

func (s *Store) headVersion() Version {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.index) == 0 {
		return Version{SHA256: ZeroHash, Last: ZeroHash}
	}
	return version(s.index, len(s.index)-1)
}
