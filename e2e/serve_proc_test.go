package e2e

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"os/exec"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"
)

// serveProc is one run of the real resident serve, started by a test.
type serveProc struct {
	tb     testing.TB
	cmd    *exec.Cmd
	base   string
	mu     sync.Mutex
	logs   bytes.Buffer
	done   chan struct{}
	killed bool
}

// freeAddr returns a loopback address nobody listens on right now.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

var listenAddr = regexp.MustCompile(`msg=serving addr=(\S+)`)

// runServe starts resident serve with the test keys on dir at addr, or,
// when addr is "", at a free loopback port that its start-up line names,
// and waits until it answers /healthz. When the test ends it is stopped
// with SIGTERM and must exit cleanly.
func runServe(tb testing.TB, bin, dir, addr string) *serveProc {
	tb.Helper()
	listen := addr
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	p := &serveProc{tb: tb, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve", "--listen", listen, "--data", dir)
	p.cmd.Env = serveEnv()
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	logged := make(chan string, 1)
	go p.readLogs(stderr, logged)
	tb.Cleanup(func() {
		p.stop()
		if tb.Failed() {
			tb.Logf("serve log:\n%s", p.log())
		}
	})
	select {
	case a := <-logged:
		p.base = "http://" + a
	case <-p.done:
		tb.Fatalf("resident serve exited at start-up:\n%s", p.log())
	case <-time.After(30 * time.Second):
		tb.Fatalf("resident serve logged no start-up line:\n%s", p.log())
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if resp, err := http.Get(p.base + "/healthz"); err == nil {
			resp.Body.Close()
			return p
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("resident serve did not answer on %s", p.base)
	return nil
}

// readLogs keeps the server's log and hands on the address of its
// start-up line.
func (p *serveProc) readLogs(r io.Reader, addr chan<- string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		p.mu.Lock()
		p.logs.WriteString(sc.Text() + "\n")
		p.mu.Unlock()
		if m := listenAddr.FindStringSubmatch(sc.Text()); m != nil {
			select {
			case addr <- m[1]:
			default:
			}
		}
	}
	p.cmd.Wait()
	close(p.done)
}

// log is what the server logged so far.
func (p *serveProc) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// kill ends the server with SIGKILL: no shutdown, no flush, no unlock.
func (p *serveProc) kill() {
	p.killed = true
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop ends the server the way an operator does, with SIGTERM, and
// reports an exit that is not clean.
func (p *serveProc) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		if code := p.cmd.ProcessState.ExitCode(); code != 0 && !p.killed {
			p.tb.Errorf("resident serve exited with %d after SIGTERM", code)
		}
	case <-time.After(20 * time.Second):
		p.kill()
		p.tb.Errorf("resident serve did not stop within 20 s of SIGTERM")
	}
}

// fetch sends one request and returns the status, body and headers.
func (p *serveProc) fetch(tb testing.TB, method, path, key string, body []byte, hdr ...string) (int, []byte, http.Header) {
	tb.Helper()
	req, err := http.NewRequest(method, p.base+path, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data, resp.Header
}
