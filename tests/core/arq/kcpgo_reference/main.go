package main

import (
	"flag"
	"fmt"
	"hash/fnv"
	"os"
)

type pkt struct {
	at      uint32
	data    []byte
	regular bool
}

func insertPkt(q []pkt, p pkt) []pkt {
	i := len(q)
	for i > 0 && int32(q[i-1].at-p.at) > 0 {
		i--
	}
	q = append(q, pkt{})
	copy(q[i+1:], q[i:])
	q[i] = p
	return q
}

type endpoint struct {
	name      string
	kcp       *KCP
	snmp      Snmp
	out       [][]byte
	nextFlush uint32
	// app
	writeOff, readOff uint64
	writeTotal        uint64
	echo              bool
	peerRead          uint64
	errors            int
}

var lcg uint32 = 12345

func rnd() uint32 {
	lcg = lcg*1103515245 + 12345
	return (lcg >> 16) & 0x7fff
}

func main() {
	base := flag.Uint("base", 0, "start time")
	dur := flag.Int("dur", 20000, "ms")
	delay := flag.Int("delay", 20, "one-way ms")
	loss := flag.Int("loss", 0, "percent")
	nodelay := flag.Int("nodelay", 0, "")
	interval := flag.Int("interval", 100, "")
	resend := flag.Int("resend", 0, "")
	nc := flag.Int("nc", 0, "")
	sndwnd := flag.Int("sndwnd", 32, "")
	rcvwnd := flag.Int("rcvwnd", 32, "")
	mtu := flag.Int("mtu", 1400, "")
	reserved := flag.Int("reserved", 0, "")
	stream := flag.Int("stream", 1, "")
	acknodelay := flag.Int("acknodelay", 0, "")
	total := flag.Uint64("total", 200000, "bytes A sends")
	pauseFrom := flag.Int("pausefrom", -1, "B stops reading at")
	pauseTo := flag.Int("pauseto", -1, "B resumes reading at")
	verbose := flag.Int("v", 0, "")
	jitter := flag.Int("jitter", 0, "")
	dup := flag.Int("dup", 0, "")
	fec := flag.Int("fec", 0, "")
	corrupt := flag.Int("corrupt", 0, "")
	chAt := flag.Int("chat", -1, "")
	chMtu := flag.Int("chmtu", 1400, "")
	chSnd := flag.Int("chsnd", 64, "")
	chRcv := flag.Int("chrcv", 64, "")
	flag.Parse()

	mk := func(name string) *endpoint {
		e := &endpoint{name: name}
		e.kcp = NewKCP(0x11223344, func(buf []byte, size int) {
			b := make([]byte, size-*reserved)
			copy(b, buf[*reserved:size])
			e.out = append(e.out, b)
		})
		e.kcp.NoDelay(*nodelay, *interval, *resend, *nc)
		e.kcp.WndSize(*sndwnd, *rcvwnd)
		e.kcp.ReserveBytes(*reserved)
		e.kcp.SetMtu(*mtu)
		e.kcp.stream = int32(*stream)
		return e
	}
	a := mk("A")
	b := mk("B")
	a.writeTotal = *total
	b.echo = true
	var inflight [2][]pkt
	h := fnv.New64a()
	ndatagrams := 0
	inputErrors := 0

	for step := 0; step < *dur; step++ {
		t := uint32(*base) + uint32(step)
		nowMs = t
		eps := []*endpoint{a, b}
		// 1. deliver
		for i := range eps {
			peer := eps[1-i]
			q := inflight[i]
			n := 0
			for n < len(q) && int32(t-q[n].at) >= 0 {
				DefaultSnmp = &peer.snmp
				r := peer.kcp.Input(q[n].data, q[n].regular, *acknodelay != 0)
				if r != 0 {
					inputErrors++
					if *verbose > 0 {
						fmt.Println("input error", step, r)
					}
				}
				n++
			}
			inflight[i] = q[n:]
		}
		if step == *chAt {
			for _, e := range eps {
				e.kcp.SetMtu(*chMtu)
				e.kcp.WndSize(*chSnd, *chRcv)
			}
		}
		// 2. read
		for _, e := range eps {
			if e == b && step >= *pauseFrom && step < *pauseTo {
				continue
			}
			DefaultSnmp = &e.snmp
			for {
				sz := e.kcp.PeekSize()
				if sz <= 0 {
					break
				}
				buf := make([]byte, sz)
				e.kcp.Recv(buf)
				for _, c := range buf {
					if c != byte(e.readOff*7+e.readOff/1000) {
						e.errors++
					}
					e.readOff++
				}
				if e.echo {
					e.writeTotal = e.readOff
				}
			}
		}
		// 3. write
		for _, e := range eps {
			DefaultSnmp = &e.snmp
			wrote := false
			for e.writeOff < e.writeTotal {
				ws := e.kcp.WaitSnd()
				if !(ws < int(e.kcp.snd_wnd) && ws < int(e.kcp.rmt_wnd)) {
					break
				}
				var size uint64
				if *stream != 0 {
					size = uint64(rnd()%uint32(e.kcp.mss)) + 1
				} else {
					size = uint64(rnd()%uint32(e.kcp.mss*3)) + 1
				}
				if size > e.writeTotal-e.writeOff {
					size = e.writeTotal - e.writeOff
				}
				buf := make([]byte, size)
				for k := range buf {
					o := e.writeOff + uint64(k)
					buf[k] = byte(o*7 + o/1000)
				}
				if r := e.kcp.Send(buf); r != 0 {
					fmt.Println("send error", r)
				}
				e.writeOff += size
				wrote = true
			}
			if wrote {
				e.kcp.flush(false)
			}
		}
		// 4. timers
		for _, e := range eps {
			if int32(t-e.nextFlush) >= 0 || step == 0 {
				DefaultSnmp = &e.snmp
				iv := e.kcp.flush(false)
				e.nextFlush = t + iv
				if *verbose > 1 {
					fmt.Printf("%d %s flush -> %d\n", step, e.name, iv)
				}
			}
		}
		// 5. transmit
		for i, e := range eps {
			for _, d := range e.out {
				h.Write([]byte{byte(i)})
				h.Write(d)
				ndatagrams++
				if *verbose > 0 {
					fmt.Printf("%d %s %x\n", step, e.name, d)
				}
				drop := int(rnd()%100) < *loss
				if !drop {
					copies := 1
					if int(rnd()%100) < *dup {
						copies = 2
					}
					for c := 0; c < copies; c++ {
						at := t + uint32(*delay)
						if *jitter > 0 {
							at += rnd() % uint32(*jitter+1)
						}
						regular := !(int(rnd()%100) < *fec)
						dd := make([]byte, len(d))
						copy(dd, d)
						if int(rnd()%100) < *corrupt {
							dd[rnd()%uint32(len(dd))] ^= byte(rnd()%255 + 1)
						}
						inflight[i] = insertPkt(inflight[i], pkt{at, dd, regular})
					}
				}
			}
			e.out = e.out[:0]
		}
	}
	for _, e := range []*endpoint{a, b} {
		s := e.snmp
		fmt.Printf("%s out=%d in=%d retrans=%d fast=%d early=%d lost=%d repeat=%d read=%d wrote=%d err=%d srtt=%d rttvar=%d rto=%d cwnd=%d ssthresh=%d una=%d nxt=%d rcvnxt=%d\n",
			e.name, s.OutSegs, s.InSegs, s.RetransSegs, s.FastRetransSegs, s.EarlyRetransSegs, s.LostSegs, s.RepeatSegs,
			e.readOff, e.writeOff, e.errors, e.kcp.rx_srtt, e.kcp.rx_rttvar, e.kcp.rx_rto, e.kcp.cwnd, e.kcp.ssthresh,
			e.kcp.snd_una, e.kcp.snd_nxt, e.kcp.rcv_nxt)
	}
	fmt.Printf("datagrams=%d inputErrors=%d hash=%016x\n", ndatagrams, inputErrors, h.Sum64())
	os.Exit(0)
}
