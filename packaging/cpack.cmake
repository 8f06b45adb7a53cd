# A Debian package of everything `cmake --install` puts in place: the GUI, kcpdesk-cli, the demo,
# the desktop entry, AppStream metadata and icon. `cpack -G DEB` in a build directory writes
# kcpdesk_<version>_<arch>.deb; its Depends come from dpkg-shlibdeps (the Qt 6, Botan, ISA-L and
# snappy libraries the binaries really link), so the package installs on Debian 12 with apt.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kcpdesk)
set(CPACK_PACKAGE_VENDOR "KcpDesk")
set(CPACK_PACKAGE_CONTACT "KcpDesk developers <kcpdesk@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Encrypted KCP tunnels, wire-compatible with kcp-go and kcptun, with live link diagnostics")
set(CPACK_PACKAGE_DESCRIPTION
    "KcpDesk runs kcptun-compatible KCP tunnels (smux, snappy, Reed-Solomon FEC, kcptun's ciphers\n\
and flags) from a Qt desktop application or the headless kcpdesk-cli, and plots RTT,\n\
retransmissions, link loss and FEC recovery live, with a link advisor and a link emulator.")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS kcptun)
# Qt's own strings (file dialogs, standard buttons) in the languages KcpDesk speaks.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS qt6-translations-l10n)
include(CPack)
