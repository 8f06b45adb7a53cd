// kcpgo_peer: a real kcp-go 5.6.1 peer (Debian's golang-github-xtaci-kcp-dev) for KcpDesk's
// interop tests and benchmarks. Built at test time, offline, in GOPATH mode:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=<writable> go build -o kcpgo_peer main.go
//
// Modes:
//
//	echo-server   accept sessions, echo every byte              (prints "LISTENING <port>")
//	sink-server   accept sessions, read and discard              (prints "LISTENING <port>")
//	echo-client   send -bytes of seeded random data, verify the echo, print "OK bytes=.. seconds=.."
//	bench-echo    kcp-go's echo_tester: -count times write -msglen bytes and read them back
//	bench-sink    kcp-go's sink_tester: -count writes of -msglen bytes
//	scale-client  -sessions sessions each echoing 64 bytes once a second for -duration
//
// Crypto is chosen exactly as kcptun does (key = PBKDF2-SHA1(key, "kcp-go", 4096, 32)), plus
// "null" for kcp-go's block == nil (no crypto layer, as kcp-go's own sink benchmark uses).
package main

import (
	"crypto/sha1"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand"
	"net"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	kcp "github.com/xtaci/kcp-go"
	"golang.org/x/crypto/pbkdf2"
)

var (
	mode     = flag.String("mode", "echo-server", "echo-server|sink-server|echo-client|bench-echo|bench-sink|scale-client")
	addr     = flag.String("addr", "127.0.0.1:0", "listen address (servers) or server address (clients)")
	crypt    = flag.String("crypt", "aes", "kcptun crypt name, or null")
	key      = flag.String("key", "it's a secrect", "kcptun --key")
	ds       = flag.Int("ds", 10, "FEC data shards")
	ps       = flag.Int("ps", 3, "FEC parity shards")
	nodelay  = flag.Int("nodelay", 1, "")
	interval = flag.Int("interval", 10, "")
	resend   = flag.Int("resend", 2, "")
	nc       = flag.Int("nc", 1, "")
	sndwnd   = flag.Int("sndwnd", 1024, "")
	rcvwnd   = flag.Int("rcvwnd", 1024, "")
	mtu      = flag.Int("mtu", 1350, "")
	sockbuf  = flag.Int("sockbuf", 4*1024*1024, "")
	nbytes   = flag.Int64("bytes", 16<<20, "echo-client: bytes to send")
	seed     = flag.Int64("seed", 1, "echo-client: data seed")
	msglen   = flag.Int("msglen", 4096, "bench: message size")
	count    = flag.Int("count", 1000, "bench: messages")
	sessions = flag.Int("sessions", 100, "scale-client: sessions")
	duration = flag.Duration("duration", 60*time.Second, "scale-client: how long")
	timeout  = flag.Duration("timeout", 120*time.Second, "clients: give up after")
)

func blockCrypt() kcp.BlockCrypt {
	pass := pbkdf2.Key([]byte(*key), []byte("kcp-go"), 4096, 32, sha1.New)
	var block kcp.BlockCrypt
	switch *crypt {
	case "null":
		return nil
	case "sm4":
		block, _ = kcp.NewSM4BlockCrypt(pass[:16])
	case "tea":
		block, _ = kcp.NewTEABlockCrypt(pass[:16])
	case "xor":
		block, _ = kcp.NewSimpleXORBlockCrypt(pass)
	case "none":
		block, _ = kcp.NewNoneBlockCrypt(pass)
	case "aes-128":
		block, _ = kcp.NewAESBlockCrypt(pass[:16])
	case "aes-192":
		block, _ = kcp.NewAESBlockCrypt(pass[:24])
	case "blowfish":
		block, _ = kcp.NewBlowfishBlockCrypt(pass)
	case "twofish":
		block, _ = kcp.NewTwofishBlockCrypt(pass)
	case "cast5":
		block, _ = kcp.NewCast5BlockCrypt(pass[:16])
	case "3des":
		block, _ = kcp.NewTripleDESBlockCrypt(pass[:24])
	case "xtea":
		block, _ = kcp.NewXTEABlockCrypt(pass[:16])
	case "salsa20":
		block, _ = kcp.NewSalsa20BlockCrypt(pass)
	default:
		block, _ = kcp.NewAESBlockCrypt(pass)
	}
	return block
}

func tune(s *kcp.UDPSession) {
	s.SetStreamMode(true)
	s.SetWriteDelay(false)
	s.SetNoDelay(*nodelay, *interval, *resend, *nc)
	s.SetWindowSize(*sndwnd, *rcvwnd)
	s.SetMtu(*mtu)
	s.SetACKNoDelay(false)
	s.SetReadBuffer(*sockbuf)
	s.SetWriteBuffer(*sockbuf)
}

func serve(sink bool) {
	l, err := kcp.ListenWithOptions(*addr, blockCrypt(), *ds, *ps)
	if err != nil {
		log.Fatal(err)
	}
	l.SetReadBuffer(*sockbuf)
	l.SetWriteBuffer(*sockbuf)
	fmt.Printf("LISTENING %d\n", l.Addr().(*net.UDPAddr).Port)
	os.Stdout.Sync()
	go func() {
		c := make(chan os.Signal, 1)
		signal.Notify(c, syscall.SIGTERM, syscall.SIGINT, syscall.SIGUSR1)
		for sig := range c {
			if sig == syscall.SIGUSR1 {
				printUsage()
				continue
			}
			printUsage()
			os.Exit(0)
		}
	}()
	for {
		s, err := l.AcceptKCP()
		if err != nil {
			log.Fatal(err)
		}
		tune(s)
		go func(s *kcp.UDPSession) {
			defer s.Close()
			buf := make([]byte, 65536)
			for {
				n, err := s.Read(buf)
				if err != nil {
					return
				}
				if !sink {
					if _, err := s.Write(buf[:n]); err != nil {
						return
					}
				}
			}
		}(s)
	}
}

// CPU seconds and peak RSS of this process, for the scale comparison.
func printUsage() {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
	snmp := kcp.DefaultSnmp.Copy()
	fmt.Printf("USAGE cpu=%.3f maxrss_kib=%d goroutines=%d curr_estab=%d in_pkts=%d out_pkts=%d\n",
		cpu, ru.Maxrss, runtime.NumGoroutine(), snmp.CurrEstab, snmp.InPkts, snmp.OutPkts)
	os.Stdout.Sync()
}

func dial() *kcp.UDPSession {
	s, err := kcp.DialWithOptions(*addr, blockCrypt(), *ds, *ps)
	if err != nil {
		log.Fatal(err)
	}
	tune(s)
	return s
}

func echoClient() {
	s := dial()
	defer s.Close()
	start := time.Now()
	s.SetDeadline(start.Add(*timeout))
	done := make(chan error, 1)
	go func() {
		gen := rand.New(rand.NewSource(*seed))
		buf := make([]byte, 32*1024)
		for left := *nbytes; left > 0; {
			n := int64(len(buf))
			if n > left {
				n = left
			}
			gen.Read(buf[:n])
			if _, err := s.Write(buf[:n]); err != nil {
				done <- err
				return
			}
			left -= n
		}
		done <- nil
	}()
	check := rand.New(rand.NewSource(*seed))
	buf := make([]byte, 64*1024)
	want := make([]byte, 64*1024)
	var got int64
	for got < *nbytes {
		n, err := s.Read(buf)
		if err != nil {
			fmt.Printf("FAIL read after %d bytes: %v\n", got, err)
			os.Exit(1)
		}
		check.Read(want[:n])
		for i := 0; i < n; i++ {
			if buf[i] != want[i] {
				fmt.Printf("MISMATCH at %d\n", got+int64(i))
				os.Exit(1)
			}
		}
		got += int64(n)
	}
	if err := <-done; err != nil {
		fmt.Printf("FAIL write: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("OK bytes=%d seconds=%.3f\n", got, time.Since(start).Seconds())
}

func benchEcho() {
	s := dial()
	defer s.Close()
	s.SetDeadline(time.Now().Add(*timeout))
	buf := make([]byte, *msglen)
	start := time.Now()
	for i := 0; i < *count; i++ {
		if _, err := s.Write(buf); err != nil {
			log.Fatal(err)
		}
		nrecv := 0
		for nrecv < *msglen {
			n, err := s.Read(buf)
			if err != nil {
				log.Fatal(err)
			}
			nrecv += n
		}
	}
	sec := time.Since(start).Seconds()
	fmt.Printf("BENCH echo msglen=%d count=%d seconds=%.4f MBps=%.2f\n", *msglen, *count, sec,
		float64(*msglen)*float64(*count)/sec/1e6)
}

func benchSink() {
	s := dial()
	defer s.Close()
	s.SetDeadline(time.Now().Add(*timeout))
	buf := make([]byte, *msglen)
	start := time.Now()
	for i := 0; i < *count; i++ {
		if _, err := s.Write(buf); err != nil {
			log.Fatal(err)
		}
	}
	sec := time.Since(start).Seconds()
	fmt.Printf("BENCH sink msglen=%d count=%d seconds=%.4f MBps=%.2f\n", *msglen, *count, sec,
		float64(*msglen)*float64(*count)/sec/1e6)
}

// Each session writes 64 bytes, waits for them to come back, then sleeps to the next second.
func scaleClient() {
	var sent, answered, late int64
	var wg sync.WaitGroup
	stop := time.Now().Add(*duration)
	for i := 0; i < *sessions; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s := dial()
			defer s.Close()
			msg := make([]byte, 64)
			buf := make([]byte, 64)
			next := time.Now().Add(time.Duration(rand.Int63n(int64(time.Second))))
			for {
				time.Sleep(time.Until(next))
				if time.Now().After(stop) {
					return
				}
				next = next.Add(time.Second)
				s.SetDeadline(time.Now().Add(5 * time.Second))
				if _, err := s.Write(msg); err != nil {
					return
				}
				atomic.AddInt64(&sent, 1)
				if _, err := io.ReadFull(s, buf); err != nil {
					atomic.AddInt64(&late, 1)
					continue
				}
				atomic.AddInt64(&answered, 1)
			}
		}(i)
	}
	wg.Wait()
	fmt.Printf("SCALE sessions=%d sent=%d answered=%d failed=%d\n", *sessions, sent, answered, late)
	printUsage()
}

func main() {
	flag.Parse()
	switch *mode {
	case "echo-server":
		serve(false)
	case "sink-server":
		serve(true)
	case "echo-client":
		echoClient()
	case "bench-echo":
		benchEcho()
	case "bench-sink":
		benchSink()
	case "scale-client":
		scaleClient()
	default:
		log.Fatalf("unknown mode %q", *mode)
	}
}
