#!/usr/bin/env python3
"""Writes the libFuzzer seed corpora in tests/fuzz/seeds/<target>/ from the byte-exact vectors in
tests/vectors, so that fuzzing starts from real kcptun / kcp-go datagrams instead of having to
discover a valid crc, FEC header and KCP conv by itself.

The input formats are documented at the top of each fuzz_<target>.cpp; this script must follow
them. Run it from anywhere; it rewrites every seed but the regress_* files (inputs that once
crashed a target, kept so that every CI run replays them).
"""
import json
import pathlib
import struct

ROOT = pathlib.Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
SEEDS = ROOT / "tests" / "fuzz" / "seeds"

# fuzz_support.h SeedConvs order
CONV_INDEX = {3040669049: 0, 16909060: 1, 168496141: 2, 3735928559: 3, 0x1A2B3C4D: 4}


def load(name):
    return json.loads((VECTORS / name).read_text())


def u16(v):
    return struct.pack("<H", v)


def write(target, name, data):
    directory = SEEDS / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(bytes(data))


# --- fuzz_session_datagram -------------------------------------------------------------------
# byte 0: crypt bits 0-1, FEC bits 2-3, bit 5 message mode; byte 1: bit 0 test key, bits 2-4
# conv, bit 6 crypt bit 2, bit 7 mtu 1400; ops: 0 datagram, 1 time step (4 ms units), 2 read,
# 5 body to seal.
CRYPT = {"aes": 0, "none": 1, "null": 2, "aes-128": 3, "salsa20": 4, "xor": 5, "aes-128-gcm": 6,
         "tea": 7}
FEC = {(0, 0): 0, (10, 3): 1, (3, 2): 2}


def session_seed(crypt, fec, message, test_key, conv, mtu1400, datagrams, sealed=False):
    """sealed: the datagrams are bodies for op 5, which seals them with the session's crypt."""
    index = CRYPT[crypt]
    b0 = index & 3 | FEC[fec] << 2 | (0x20 if message else 0)
    b1 = (1 if test_key else 0) | CONV_INDEX[conv] << 2 | (index >> 2) << 6 | (0x80 if mtu1400 else 0)
    out = bytearray([b0, b1])
    last = None
    for t_ms, wire in datagrams:
        if last is not None and t_ms is not None:
            out += bytes([1, min(255, max(1, round((t_ms - last) / 4)))])
        last = t_ms if t_ms is not None else last
        out += bytes([5 if sealed else 0]) + u16(len(wire)) + wire
        out += bytes([2]) + u16(16383)  # read whatever became readable
    out += bytes([1, 50, 2]) + u16(16383)
    return out


def session_seeds(capture, fec_vectors, crypt_vectors):
    conv = capture["packets"][0]["kcp_segments"][0]["conv"]
    t = "session_datagram"
    packets = capture["packets"]
    # A client receiving the server's first datagrams (data and a complete parity group).
    s2c = [(p["t_ms"], bytes.fromhex(p["wire_hex"])) for p in packets
           if p["dir"] == "s2c" and p["index"] <= 36]
    write(t, "capture_s2c", session_seed("aes", (10, 3), False, False, conv, False, s2c))
    # A server receiving the client's first group with one data shard lost: FEC rebuilds it.
    c2s = [(p["t_ms"], bytes.fromhex(p["wire_hex"])) for p in packets
           if p["dir"] == "c2s" and p["index"] <= 14 and p["index"] != 6]
    write(t, "capture_c2s_recover", session_seed("aes", (10, 3), False, False, conv, False, c2s))

    # The capture's FEC bodies re-sealed by the target with ciphers no seed datagram uses.
    bodies = [(p["t_ms"], bytes.fromhex(p["decrypted_hex"])[20:]) for p in packets
              if p["dir"] == "c2s" and p["index"] <= 14 and p["index"] != 9]
    for crypt in ("aes-128-gcm", "salsa20"):
        write(t, "sealed_" + crypt + "_recover",
              session_seed(crypt, (10, 3), False, False, conv, True, bodies, sealed=True))

    for scenario in fec_vectors["scenarios"]:
        crypt = {"null (no crypt layer at all)": "null"}.get(scenario["crypt"], scenario["crypt"])
        wires = [(None, bytes.fromhex(p["wire_hex"])) for p in scenario["packets"]]
        # Lose the second data shard so that the seed exercises recovery.
        wires = wires[:1] + wires[2:]
        geometry = (scenario["datashard"], scenario["parityshard"])
        write(t, "fec_" + scenario["name"] + "_recover",
              session_seed(crypt, geometry, scenario["datashard"] == 3, True, scenario["conv"],
                           scenario["mtu"] == 1400, wires))

    none = next(m for m in crypt_vectors["methods"] if m["crypt"] == "none")
    bare = [(None, bytes.fromhex(p["wire_hex"])) for p in none["packets"]]
    write(t, "none_bare_kcp", session_seed("none", (0, 0), False, True, 0x1A2B3C4D, False, bare))
    # The same KCP bytes with no crypto layer at all.
    bodies = [(None, bytes.fromhex(p["wire_hex"])[20:]) for p in none["packets"]]
    write(t, "null_bare_kcp", session_seed("null", (0, 0), False, True, 0x1A2B3C4D, False, bodies))


# --- fuzz_fec_decoder ------------------------------------------------------------------------
# ds byte, ps byte, u16 with maxPacketSize = 8 + u16 % 1493, mode; raw records
# [u8 time step][u16 length][bytes]; encoder ops 0 encode [u16 len][bytes], 1 deliver [u8 index],
# 3 drop [u8 index].


def fec_header(ds, ps, max_packet, mode):
    return bytes([ds - 1, ps - 1]) + u16(max_packet - 8) + bytes([mode])


def fec_seeds(capture, fec_vectors):
    t = "fec_decoder"
    plain = next(s for s in fec_vectors["scenarios"] if s["name"] == "plain_3_2")
    out = bytearray(fec_header(3, 2, plain["mtu"], 0))
    for i, p in enumerate(plain["packets"]):
        if i != 1:
            body = bytes.fromhex(p["wire_hex"])
            out += bytes([1]) + u16(len(body)) + body
    write(t, "raw_plain_3_2_recover", out)

    out = bytearray(fec_header(10, 3, capture["mtu"] - 20, 0))
    for p in capture["packets"]:
        if p["dir"] == "c2s" and p["index"] <= 14 and p["index"] != 7:
            body = bytes.fromhex(p["decrypted_hex"])[20:]
            out += bytes([1]) + u16(len(body)) + body
    write(t, "raw_capture_10_3_recover", out)

    for name, mode, lengths in (("encoder_10_3_loss", 1, (40, 1298, 0, 210, 1298, 8, 1298, 500,
                                                          1298, 64)),
                                ("encoder_3_2_wrap", 3, (100, 30, 7, 1000, 1, 2))):
        ds, ps = (10, 3) if "10_3" in name else (3, 2)
        out = bytearray(fec_header(ds, ps, 1330, mode))
        if mode & 2:
            out += bytes([1])  # start two groups below paws
        for n, length in enumerate(lengths):
            out += bytes([0]) + u16(length) + bytes((n * 7 + k) & 0xFF for k in range(length))
        out += bytes([3, 2])  # lose one data shard of the first group
        out += bytes([1, 0]) * (2 * (ds + ps))  # deliver the rest in order
        write(t, name, out)


# --- fuzz_kcp_input --------------------------------------------------------------------------
# config: flags, mtu byte (50 + 6 * b), reserved, sndwnd - 1, rcvwnd - 1, conv index.
# single: ops 0 raw datagram [flags][u16][bytes], 3 recv [u16], 6 flush when due.
# pair: (op & 0x3f) % 6: 0 send [u16], 1 recv [u16], 3 step [u8], 5 deliver all; bit 7 = B.


def kcp_seeds(capture):
    t = "kcp_input"
    conv = CONV_INDEX[capture["packets"][0]["kcp_segments"][0]["conv"]]
    # stream, interval 30, nc, resend 2; mtu 1352 with 28 reserved -> mss 1300 like kcptun's.
    config = bytes([0x99, 217, 28, 127, 255, conv])
    out = bytearray(config)
    for p in capture["packets"]:
        if p["dir"] != "s2c" or p.get("fec_type", "").startswith("parity"):
            continue
        fec = bytes.fromhex(p["decrypted_hex"])[20:]
        size = struct.unpack_from("<H", fec, 6)[0]
        segments = fec[8:6 + size]
        out += bytes([0, 1]) + u16(len(segments)) + segments
        out += bytes([6, 3]) + u16(8192)
    write(t, "single_capture_s2c", out)

    for name, flags in (("pair_stream", 0xB9), ("pair_message", 0xB8)):
        out = bytearray(bytes([flags, 217, 28, 31, 127, 0]))
        for length in (13, 4000, 1300, 1):
            out += bytes([0]) + u16(length)     # A sends
            out += bytes([3, 30])               # A flushes 30 ms later
            out += bytes([5])                   # A's datagrams reach B
            out += bytes([0x81]) + u16(8191)    # B reads
            out += bytes([0x83, 30, 0x85])      # B flushes its ACKs, they reach A
        write(t, name, out)


# --- fuzz_packet_crypto_open -----------------------------------------------------------------
# mode byte: bit 0 round trip, bit 1 test key; then the datagram (or body).


def crypto_seeds(capture, fec_vectors, crypt_vectors):
    t = "packet_crypto_open"
    for i, method in enumerate(crypt_vectors["methods"]):
        packet = method["packets"][i % 3]
        write(t, "open_" + method["crypt"], b"\x02" + bytes.fromhex(packet["wire_hex"]))
    write(t, "open_capture_aes", b"\x00" + bytes.fromhex(capture["packets"][2]["wire_hex"]))
    aes128 = next(s for s in fec_vectors["scenarios"] if s["name"] == "aes128_3_2")
    write(t, "open_fec_aes128", b"\x02" + bytes.fromhex(aes128["packets"][0]["wire_hex"]))
    write(t, "roundtrip_hello", b"\x01hello kcptun\n")
    write(t, "roundtrip_block", b"\x03" + bytes(range(64)))


# --- fuzz_smux_session -----------------------------------------------------------------------
# config: byte 0 bit 0 v2, bit 1 server, bits 2-3 budget, 4-5 window, bit 6 pair; byte 1 frame
# size bits 0-1, output bound bits 2-3. single ops (% 11): 0 raw [u16][bytes], 1 frame [cmd][sid
# index][u16][bytes], 2 accept, 3 read [index][u16], 4 write [index][u16], 5 open, 6 close
# [index], 7 consume [u16], 8 tick [u16], 10 events. pair ops ((op & 0x7f) % 7, bit 7 = server):
# 0 open, 1 write [index][u16], 2 deliver [u16], 3 accept + read [index][u16], 4 tick [u8].

SMUX_CMD = {"SYN": 0, "FIN": 1, "PSH": 2, "NOP": 3, "UPD": 4}


def smux_seeds(smux_vectors, capture):
    t = "smux_session"
    for seq in smux_vectors["sequences"]:
        v = seq["version"]
        version_bit = 1 if v == 2 else 0
        # kcptun defaults: budget 4194304, window 2097152, frame 32768, output 262144.
        config = bytes([version_bit | 0x02 | (3 << 2) | (3 << 4), 2 | (3 << 2)])
        c2s = bytes.fromhex(seq["client_to_server_hex"])
        out = bytearray(config)
        out += bytes([0]) + u16(len(c2s)) + c2s           # the client's bytes, one piece
        out += bytes([2, 3, 5]) + u16(64)                 # accept, read the new stream (index 5)
        out += bytes([4, 5]) + u16(6) + bytes([7]) + u16(0xFFFF) + bytes([10])
        write(t, f"server_v{v}_real_client", out)

        # The same bytes frame by frame through the well-formed-frame op, as a client.
        s2c = bytes.fromhex(seq["server_to_client_hex"])
        out = bytearray(bytes([config[0] & ~0x02, config[1]]))
        out += bytes([5])                                  # open sid 3 first
        for f in seq["server_to_client_frames"]:
            payload = bytes.fromhex(f.get("data_hex", ""))
            sid_index = {0: 0, 1: 1, 2: 2, 3: 3, 5: 4}.get(f["sid"], 5)
            out += bytes([1, SMUX_CMD[f["cmd"]], sid_index]) + u16(len(payload)) + payload
            out += bytes([3, 3]) + u16(4096)
        out += bytes([8]) + u16(40000) + bytes([8]) + u16(40000) + bytes([10])
        write(t, f"client_v{v}_frames_and_timeout", out)

        # Pair: open, write 100 KB, deliver in pieces, read, echo back.
        out = bytearray(bytes([version_bit | 0x40 | (2 << 2) | (1 << 4), 1 | (2 << 2)]))
        out += bytes([0, 1, 0]) + u16(50000)
        for _ in range(8):
            out += bytes([2]) + u16(9000) + bytes([0x83, 0]) + u16(30000) + bytes([0x82]) + u16(200)
        out += bytes([0x81, 0]) + u16(3000) + bytes([0x82]) + u16(0xFFFF)
        out += bytes([3, 0]) + u16(5000) + bytes([4, 200, 6, 0, 0])
        write(t, f"pair_v{v}", out)

    frames = capture["reassembled_smux_frames"]
    for direction in ("c2s", "s2c"):
        stream = bytearray()
        for f in frames[direction]:
            payload = bytes.fromhex(f.get("data_hex", ""))
            stream += struct.pack("<BBHI", f["ver"], SMUX_CMD[f["cmd"]], len(payload), f["sid"])
            stream += payload
        role = 0x02 if direction == "c2s" else 0
        out = bytearray(bytes([role | (3 << 2) | (3 << 4), 2 | (3 << 2)]))
        if not role:
            out += bytes([5])
        for i in range(0, len(stream), 1000):  # KCP hands it over in pieces
            piece = stream[i:i + 1000]
            out += bytes([0]) + u16(len(piece)) + piece + bytes([2, 3, 5]) + u16(8192)
        write(t, f"capture_{direction}", out)


# --- fuzz_snappy_stream ----------------------------------------------------------------------
# mode byte: bit 0 round trip ([u16 length][u8 bit 0: +65536][bytes] writes), else the framed
# stream in pieces [u16 length][bytes].


def snappy_seeds(snappy_vectors):
    t = "snappy_stream"
    for i, vector in enumerate(snappy_vectors["vectors"]):
        framed = bytes.fromhex(vector["framed_stream_hex"])
        write(t, f"decode_{i}_whole", b"\x00" + u16(len(framed)) + framed)
        out = bytearray(b"\x00")
        for k in range(0, len(framed), 7):
            out += u16(len(framed[k:k + 7])) + framed[k:k + 7]
        write(t, f"decode_{i}_pieces", out)
        out = bytearray(b"\x03")
        for w in vector["writes_hex"]:
            data = bytes.fromhex(w)
            out += u16(len(data)) + b"\x00" + data
        write(t, f"roundtrip_{i}", out)
    write(t, "roundtrip_two_chunks", b"\x05" + u16(100) + b"\x01" + bytes(range(100)))


# --- fuzz_kcptun_config ----------------------------------------------------------------------
# mode byte bit 0 server; arguments separated by newlines; 0x00; the JSON -c would load.


def config_seeds(capture):
    t = "kcptun_config"
    for role, key in ((0, "client_command"), (1, "server_command")):
        args = capture[key].split()[1:]
        write(t, key, bytes([role]) + "\n".join(args).encode())
        settings = {"key": capture["passphrase"], "crypt": capture["crypt"], "mode": "fast",
                    "datashard": int(capture["datashard"]),
                    "parityshard": int(capture["parityshard"]), "nocomp": True,
                    "mtu": int(capture["mtu"]), "smuxver": int(capture["smuxver"])}
        if role:
            settings.update(listen=":29900", target="127.0.0.1:12948", sndwnd=1024)
        else:
            settings.update(localaddr="127.0.0.1:12948", remoteaddr="[::1]:29900-29910", conn=2,
                            autoexpire=60, scavengettl=600)
        write(t, key + "_json", bytes([role]) + b"-c\nconfig.json\x00" +
              json.dumps(settings).encode())
    write(t, "manual_mode_flags", b"\x00--mode=manual\n-nodelay\n1\n--interval=0x14\n"
          b"--resend\n2\n-nc=1\n--acknodelay=true\n--streambuf\n65536\n--smuxbuf=131072")


# --- fuzz_snmp_log ---------------------------------------------------------------------------
# The file's bytes: kcptun --snmplog in each kcp-go generation's header, and damaged variants.

SNMP_V561 = ("BytesSent,BytesReceived,MaxConn,ActiveOpens,PassiveOpens,CurrEstab,InErrs,"
             "InCsumErrors,KCPInErrors,InPkts,OutPkts,InSegs,OutSegs,InBytes,OutBytes,RetransSegs,"
             "FastRetransSegs,EarlyRetransSegs,LostSegs,RepeatSegs,FECParityShards,FECErrs,"
             "FECRecovered,FECShortShards").split(",")


def snmp_seeds():
    t = "snmp_log"
    v5622 = (SNMP_V561[:20] + ["FECFullShards"] + SNMP_V561[20:] +
             ["FECShardSet", "FECShardMin", "RingBufferSndQueue", "RingBufferRcvQueue",
              "RingBufferSndBuffer"])
    v5660 = [c for c in v5622 if c != "FECShortShards"] + ["OOBPackets"]

    def log(columns, values, rows=5):
        lines = ["Unix," + ",".join(columns)]
        for r in range(rows):
            lines.append(",".join([str(1795843404 + 5 * r)] +
                                  [str((r + 1) * (i + 1) * 1000) for i in range(values)]))
        return ("\n".join(lines) + "\n").encode()

    write(t, "v561", log(SNMP_V561, 24))
    write(t, "v5622_short_rows", log(v5622, len(v5622) - 1))
    write(t, "v5660", log(v5660, len(v5660)))
    restart = log(SNMP_V561, 24, 3) + log(SNMP_V561, 24, 2).split(b"\n", 1)[1]
    write(t, "restart_and_second_header", restart + log(SNMP_V561, 24, 2))
    write(t, "damaged", b"1,2\n" + log(SNMP_V561, 24, 2) + b"17958434x,1,2\n\xff\xfe\n,,,\n")


def main():
    capture = load("kcptun_capture.json")
    fec_vectors = load("fec_packets.json")
    crypt_vectors = load("kcp_crypt.json")
    # regress_* files are fuzzer finds kept as regression inputs, not generated here.
    for old in SEEDS.glob("*/*"):
        if not old.name.startswith("regress_"):
            old.unlink()
    session_seeds(capture, fec_vectors, crypt_vectors)
    fec_seeds(capture, fec_vectors)
    kcp_seeds(capture)
    crypto_seeds(capture, fec_vectors, crypt_vectors)
    smux_seeds(load("smux_frames.json"), capture)
    snappy_seeds(load("snappy_stream.json"))
    config_seeds(capture)
    snmp_seeds()
    for directory in sorted(SEEDS.iterdir()):
        files = sorted(directory.iterdir())
        print(f"{directory.name}: {len(files)} seeds, {sum(f.stat().st_size for f in files)} bytes")


if __name__ == "__main__":
    main()
