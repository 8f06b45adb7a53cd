#pragma once

#include "profile/profile.h"

#include <optional>

namespace app
{

// A profile from the text kcptun users already have, pasted as it is:
//  - a command line from a script or a systemd unit: "kcptun-client -l :8388 -r vps:29900
//    --key 's e c' --crypt aes" (shell quoting, backslash-newline continuations; the program
//    name, a leading KCPTUN_KEY=... assignment and "exec"/"nohup" are optional);
//  - shadowsocks SIP003 plugin options: "remoteaddr=vps:29900;key=secret;mode=fast2;nocomp"
//    (kcptun's flag names; '\' escapes ';', '=' and '\'; a boolean may stand alone);
//  - a SIP002 link: "ss://...@vps:29900/?plugin=kcptun%3Bkey%3Dsecret%3Bmode%3Dfast2#name":
//    the plugin options of a kcptun client whose server is the link's host and port.
// Every flag goes through the library's kcptun command-line parser, so an unknown flag, a bad
// value or an unsupported one (--tcp) is an error naming it, never a silent default. The role
// comes from `role`, else from the program name (client/server), else from the flags
// (-r/remoteaddr: client, -t/target: server); if none says, *needsRole is set with the error.
// A -c file is read if it exists here; otherwise it is an error naming it.
std::optional<Profile> importKcptunText(const QString& text,
                                        std::optional<kcp::tunnel::TunnelRole> role, QString* error,
                                        bool* needsRole = nullptr);

} // namespace app
