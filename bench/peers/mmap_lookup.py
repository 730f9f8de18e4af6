"""Peer for the lookup benchmark: binary search in the sorted Pwned Passwords text file through mmap, the usual offline
approach. Prints one JSON line: lookups, found, seconds.

usage: mmap_lookup.py CORPUS ACCOUNTS
"""
import json
import mmap
import sys
import time

corpus, accounts = sys.argv[1], sys.argv[2]
hashes = [line.strip().upper().encode() for line in open(accounts) if line.strip()]
with open(corpus, "rb") as handle:
    data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    size = len(data)

    def line_at(position):
        start = data.rfind(b"\n", 0, position) + 1
        return start, data[start: start + 32]

    def find(target):
        low, high = 0, size
        while low < high:
            middle = (low + high) // 2
            start, key = line_at(middle)
            if key == target:
                return True
            if key < target:
                end = data.find(b"\n", start)
                low = end + 1 if end >= 0 else size
            else:
                high = start
        return False

    started = time.perf_counter()
    found = sum(1 for target in hashes if find(target))
    elapsed = time.perf_counter() - started
print(json.dumps({"lookups": len(hashes), "found": found, "seconds": elapsed}))
