package e2e

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestFiftyWriters has 50 writers post to the real server for a few
// seconds, half of them blind and half with If-Match of the head they
// read: the chain stays one line, holds every acknowledged write once and
// no write answered 412.
func TestFiftyWriters(t *testing.T) {
	const writers, duration = 50, 3 * time.Second
	bin := residentBinary(t)
	dir := filepath.Join(t.TempDir(), "data")
	p := runServe(t, bin, dir, freeAddr(t))
	l := newLedger()
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				tag := fmt.Sprintf("w%02d-%04d", w, i)
				if w%2 == 0 {
					l.post(context.Background(), p.base, tag)
					continue
				}
				head := call(context.Background(), http.MethodGet, p.base+"/accounts", readKey, nil)
				l.post(context.Background(), p.base, tag, "If-Match", head.etag)
			}
		}()
	}
	wg.Wait()
	p.stop()
	tags := chainTags(t, bin, dir)
	l.check(t, tags)
	conflicts := 0
	for tag, status := range l.refused {
		if status == http.StatusPreconditionFailed {
			conflicts++
			continue
		}
		t.Errorf("POST %s answered %d", tag, status)
	}
	lost := len(l.sent) - len(l.acked) - len(l.refused)
	if lost != 0 {
		t.Errorf("%d POSTs got no answer", lost)
	}
	if len(tags) != len(l.acked) {
		t.Errorf("%d versions for %d acknowledged writes", len(tags), len(l.acked))
	}
	if len(l.acked) < writers || conflicts == 0 {
		t.Errorf("%d writes acknowledged, %d conflicts: too little contention to prove anything",
			len(l.acked), conflicts)
	}
	t.Logf("%d writes acknowledged, %d refused with 412, in %v", len(l.acked), conflicts, duration)
}
