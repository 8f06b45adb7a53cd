#pragma once

#include <QString>
#include <QStringView>
#include <QtGlobal>

#include <optional>

namespace kcp::tunnel
{

// A kcptun address: "host:port", ":port" (all interfaces), "[v6]:port", and, where a range is
// allowed, "host:min-max" (upstream kcptun's multiport remote: the client dials a random port of
// the range per session, the server listens on each). Go's net.SplitHostPort rules: an IPv6
// literal needs brackets; the host may be empty, a name, or an IPv4/IPv6 literal.
struct HostPortRange
{
    QString host;         // without brackets; empty = all interfaces (listeners only)
    quint16 minPort = 0;
    quint16 maxPort = 0;  // == minPort for a single port

    bool isRange() const { return maxPort != minPort; }
    int portCount() const { return int(maxPort) - int(minPort) + 1; }
    // "host:port" / "[v6]:min-max" form again.
    QString toString() const;
};

struct AddressRules
{
    bool allowRange = false;      // host:min-max
    bool allowEmptyHost = false;  // ":port" (listeners)
    bool allowPortZero = false;   // ":0" = any free port (listeners)
};

// Parses text; on failure returns nullopt and, if error is given, a sentence saying what is
// wrong (e.g. "IPv6 address needs brackets: [::1]:4000").
std::optional<HostPortRange> parseHostPort(QStringView text, const AddressRules& rules,
                                           QString* error = nullptr);

} // namespace kcp::tunnel
