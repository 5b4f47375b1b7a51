package poll

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/xecut/resident/atomicfile"
	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/model"
)

// Files the poller keeps in its data folder beside the versions.
const (
	LastFile   = "last.json"
	StateFile  = ".resident-poll-state.json"
	LockFile   = ".resident-poll.lock"
	incoming   = ".resident-poll-incoming"
	supersede  = "superseded-"
	stateModes = 0o644
)

// state is what the poller remembers across cycles and restarts.
type state struct {
	// ChainHead and ChainHeadName name the newest version stored here
	// whose chain verified (or was adopted): the point a check starts from.
	ChainHead     string `json:"chain_head,omitempty"`
	ChainHeadName string `json:"chain_head_name,omitempty"`
	// Applied is the hash of the last.json the update command last
	// succeeded on.
	Applied string `json:"applied,omitempty"`
	// ReportedBad is the server head whose failed check was notified.
	ReportedBad string `json:"reported_bad,omitempty"`
	// CommandFailing is set while the update command fails, so that a
	// failure streak is notified once.
	CommandFailing bool `json:"command_failing,omitempty"`
}

func loadState(dir string) (state, error) {
	var st state
	data, err := os.ReadFile(filepath.Join(dir, StateFile))
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("read state: %w", err)
	}
	if err := json.Unmarshal(data, &st); err != nil {
		// The state only saves work and repeated messages: start afresh
		// rather than stop polling.
		return state{}, nil
	}
	return st, nil
}

func saveState(dir string, st state) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	_, err = atomicfile.WriteFile(filepath.Join(dir, StateFile), append(data, '\n'),
		atomicfile.Options{Perm: stateModes})
	if err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	return nil
}

// local is the local copy as a cycle starts.
type local struct {
	last    []byte // last.json, nil when absent
	lastSHA string
	lastDoc *model.Document
	head    chain.Version // the verified chain head; zero when empty
}

// readLocal reads last.json and finds the verified chain head: from the
// state when its file is still there, else by verifying the folder once
// (a first run on a folder copied from elsewhere, or a lost state file).
func readLocal(dir string, st *state) (local, error) {
	var l local
	data, err := os.ReadFile(filepath.Join(dir, LastFile))
	switch {
	case err == nil:
		l.last, l.lastSHA = data, chain.Sum(data)
		l.lastDoc, _ = model.Parse(data)
	case !errors.Is(err, os.ErrNotExist):
		return l, fmt.Errorf("read last.json: %w", err)
	}
	head, err := chainHead(dir, st)
	if err != nil {
		return l, err
	}
	l.head = head
	if l.last == nil && head.SHA256 != "" {
		// A folder that holds versions but no last.json (a server's
		// folder copied over): last.json starts as its head.
		data, err := os.ReadFile(filepath.Join(dir, head.Name))
		if err != nil {
			return l, fmt.Errorf("read head: %w", err)
		}
		if err := writeLast(dir, data); err != nil {
			return l, err
		}
		l.last, l.lastSHA = data, head.SHA256
		l.lastDoc, _ = model.Parse(data)
	}
	return l, nil
}

// chainHead finds the newest verified version stored here.
func chainHead(dir string, st *state) (chain.Version, error) {
	if st.ChainHeadName != "" {
		if v, err := readStored(dir, st.ChainHeadName); err == nil && v.SHA256 == st.ChainHead {
			return v, nil
		}
	}
	vs, err := chain.LoadDir(dir)
	if err != nil {
		return chain.Version{}, fmt.Errorf("local copy %s: %w", dir, err)
	}
	var head chain.Version
	if len(vs) > 0 {
		head = vs[len(vs)-1]
	}
	st.ChainHead, st.ChainHeadName = head.SHA256, head.Name
	return head, nil
}

func readStored(dir, name string) (chain.Version, error) {
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return chain.Version{}, err
	}
	return chain.ReadVersion(name, data)
}

// storedNames lists the version files in dir by hash, reading none.
func storedNames(dir string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read data folder: %w", err)
	}
	names := make(map[string]string)
	for _, e := range entries {
		if _, sum, ok := chain.ParseName(e.Name()); ok && e.Type().IsRegular() {
			names[sum] = e.Name()
		}
	}
	return names, nil
}

// writeVersion stores one version's bytes under its name.
func writeVersion(dir, name string, data []byte) error {
	path := filepath.Join(dir, name)
	if _, err := atomicfile.WriteFile(path, data, atomicfile.Options{}); err != nil {
		return fmt.Errorf("store %s: %w", name, err)
	}
	return nil
}

func writeLast(dir string, data []byte) error {
	path := filepath.Join(dir, LastFile)
	if _, err := atomicfile.WriteFile(path, data, atomicfile.Options{}); err != nil {
		return fmt.Errorf("write last.json: %w", err)
	}
	return nil
}

// staging holds the versions of a dump until the whole chain verified.
type staging struct {
	dir   string
	files map[string]string // name -> staged path
}

func newStaging(dataDir string) (*staging, error) {
	dir := filepath.Join(dataDir, incoming)
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("clear %s: %w", dir, err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	return &staging{dir: dir, files: map[string]string{}}, nil
}

func (s *staging) put(name string, data []byte) error {
	path := filepath.Join(s.dir, name)
	if _, err := atomicfile.WriteFile(path, data, atomicfile.Options{}); err != nil {
		return fmt.Errorf("stage %s: %w", name, err)
	}
	s.files[name] = path
	return nil
}

func (s *staging) read(name string) ([]byte, error) {
	return os.ReadFile(s.files[name])
}

// commit moves the staged versions named into the data folder. Each was
// written and synced by atomicfile; the rename within the folder and the
// sync of the folder make them durable in place.
func (s *staging) commit(dataDir string, names []string) error {
	for _, n := range names {
		if err := os.Rename(s.files[n], filepath.Join(dataDir, n)); err != nil {
			return fmt.Errorf("store %s: %w", n, err)
		}
	}
	return atomicfile.SyncDir(dataDir)
}

func (s *staging) remove() { os.RemoveAll(s.dir) }

// setAside moves versions out of the chain folder into a superseded-<time>
// folder beside them, kept for an audit, when a history that replaced them
// is adopted.
func setAside(dir string, names []string, now time.Time) error {
	if len(names) == 0 {
		return nil
	}
	to := filepath.Join(dir, supersede+strconv.FormatInt(now.Unix(), 10))
	if err := os.MkdirAll(to, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", to, err)
	}
	for _, n := range names {
		if err := os.Rename(filepath.Join(dir, n), filepath.Join(to, n)); err != nil {
			return fmt.Errorf("set aside %s: %w", n, err)
		}
	}
	if err := atomicfile.SyncDir(to); err != nil {
		return err
	}
	return atomicfile.SyncDir(dir)
}
