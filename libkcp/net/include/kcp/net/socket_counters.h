#pragma once

#include <QtGlobal>

namespace kcp::net
{

// Counters of UDP sockets: one socket's (the I/O backends keep them), or summed over every
// socket of the process (WorkerPool::collectIo). How many syscalls the backends needed, and
// what the kernel refused.
struct SocketCounters
{
    quint64 rxDatagrams = 0;
    quint64 rxWakeups = 0;   // read notifications handled
    quint64 rxSyscalls = 0;  // recvmmsg / readDatagram calls
    quint64 rxTruncated = 0; // datagrams over 1500 bytes (more than any kcp-go peer sends), dropped
    quint64 rxCoalesced = 0; // times a socket switched to timed reads (KcpOptions::receiveCoalesceMs)
    quint64 txDatagrams = 0;
    quint64 txSyscalls = 0; // sendmmsg / writeDatagram calls
    quint64 txMessages = 0; // kernel messages: datagrams, or with UDP GSO runs of them
    quint64 txDropped = 0;  // refused by the kernel or over the send backlog: lost like on the wire
    quint64 txBlocked = 0;  // times the kernel answered EAGAIN (send backlog in use)

    SocketCounters& operator+=(const SocketCounters& o)
    {
        rxDatagrams += o.rxDatagrams;
        rxWakeups += o.rxWakeups;
        rxSyscalls += o.rxSyscalls;
        rxTruncated += o.rxTruncated;
        rxCoalesced += o.rxCoalesced;
        txDatagrams += o.txDatagrams;
        txSyscalls += o.txSyscalls;
        txMessages += o.txMessages;
        txDropped += o.txDropped;
        txBlocked += o.txBlocked;
        return *this;
    }
};

} // namespace kcp::net
