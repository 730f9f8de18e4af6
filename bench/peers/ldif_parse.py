"""Peer for the reading benchmark: parse an LDIF file with the PyPI `ldif` package (an RFC 2849 parser).

Prints one JSON line: records, seconds, bytes. Peak memory is measured outside, by /usr/bin/time.
"""
import json
import os
import sys
import time

from ldif import LDIFParser

path = sys.argv[1]
start = time.perf_counter()
records = 0
with open(path, "rb") as handle:
    for _dn, _entry in LDIFParser(handle, strict=False).parse():
        records += 1
elapsed = time.perf_counter() - start
print(json.dumps({"records": records, "seconds": elapsed, "bytes": os.path.getsize(path)}))
