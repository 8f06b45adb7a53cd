package main

import "sync"

type Snmp struct {
	OutSegs, InSegs, RetransSegs, FastRetransSegs, EarlyRetransSegs, LostSegs, RepeatSegs uint64
}

var DefaultSnmp = &Snmp{}

var xmitBuf = sync.Pool{New: func() interface{} { return make([]byte, 1500) }}
