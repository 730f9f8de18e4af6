"""Writes the credential benchmark's inputs, seeded: a Pwned-Passwords-format NTLM corpus (sorted HASH:COUNT lines) of
random hashes plus the NT hashes of real common passwords, a 10x smaller corpus drawn from the same, and account hashes
of which a given share are in both corpora.

usage: make_corpus.py OUT_DIR HASHES ACCOUNTS BREACHED_SHARE COMMON_LIST
"""
import os
import random
import sys

import numpy as np

out, total, accounts, share, common = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
rng = np.random.default_rng(20261129)


def md4(message: bytes) -> bytes:
    """MD4 (RFC 1320) for the NT hashes of the common passwords."""
    def rol(x, n):
        x &= 0xFFFFFFFF
        return ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF
    length = len(message) * 8
    message += b"\x80" + b"\x00" * ((55 - len(message)) % 64) + length.to_bytes(8, "little")
    a, b, c, d = 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476
    for offset in range(0, len(message), 64):
        x = [int.from_bytes(message[offset + 4 * i: offset + 4 * i + 4], "little") for i in range(16)]
        aa, bb, cc, dd = a, b, c, d
        for i in range(16):
            f = (b & c) | (~b & d)
            a, b, c, d = d, rol(a + f + x[i], [3, 7, 11, 19][i % 4]), b, c
        for i in range(16):
            g = (b & c) | (b & d) | (c & d)
            k = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15][i]
            a, b, c, d = d, rol(a + g + x[k] + 0x5A827999, [3, 5, 9, 13][i % 4]), b, c
        for i in range(16):
            h = b ^ c ^ d
            k = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15][i]
            a, b, c, d = d, rol(a + h + x[k] + 0x6ED9EBA1, [3, 9, 11, 15][i % 4]), b, c
        a, b, c, d = (a + aa) & 0xFFFFFFFF, (b + bb) & 0xFFFFFFFF, (c + cc) & 0xFFFFFFFF, (d + dd) & 0xFFFFFFFF
    return b"".join(v.to_bytes(4, "little") for v in (a, b, c, d))


words = [w.strip() for w in open(common, encoding="utf-8") if w.strip()]
real = np.frombuffer(b"".join(md4(w.encode("utf-16-le")) for w in words), dtype=np.uint8).reshape(-1, 16)
filler = rng.integers(0, 256, size=(total - len(real), 16), dtype=np.uint8)
hashes = np.concatenate([real, filler])
counts = rng.zipf(1.6, size=len(hashes)).clip(1, 50_000_000)


def write(path, rows, row_counts):
    keys = rows.view(">u8").reshape(-1, 2)
    order = np.lexsort((keys[:, 1], keys[:, 0]))
    rows, row_counts = rows[order], row_counts[order]
    hexes = rows.tobytes().hex().upper().encode()
    with open(path, "wb") as handle:
        chunk = []
        for i in range(len(rows)):
            chunk.append(hexes[32 * i: 32 * i + 32] + b":" + str(row_counts[i]).encode())
            if len(chunk) == 1_000_000:
                handle.write(b"\n".join(chunk) + b"\n")
                chunk = []
        if chunk:
            handle.write(b"\n".join(chunk) + b"\n")


write(os.path.join(out, "corpus-large.txt"), hashes, counts)
small = rng.choice(len(hashes), size=len(hashes) // 10, replace=False)
breached = rng.choice(small, size=int(accounts * share), replace=False)
write(os.path.join(out, "corpus-small.txt"), hashes[small], counts[small])
account_rows = np.concatenate([hashes[breached], rng.integers(0, 256, size=(accounts - len(breached), 16), dtype=np.uint8)])
rng.shuffle(account_rows)
with open(os.path.join(out, "accounts.txt"), "w") as handle:
    handle.write("\n".join(row.tobytes().hex() for row in account_rows) + "\n")
