#!/usr/bin/env python3
"""Writes N Windows hosts as ONE `systeminfo /fo csv` file (header once, one row per host), for bench/updates.sh.

Each host runs one of Windows 7 SP1, 8.1, 10 (1607, 1809, 21H2, 22H2), 11 (22H2, 23H2) or Server 2012 R2, 2016, 2019,
2022 (weighted like a hospital trust's estate) and lists 1-40 real KB numbers taken from the WES-NG definitions for
its product: one cumulative update or monthly rollup (the host's patch level: some current, some months behind, some
years behind) plus older updates of the same product (servicing stacks, security-only updates, older rollups), as
`systeminfo` lists them. Seeded: the same arguments give the same file.

    make_hosts.py CVEs_YYYYMMDD.csv OUT.csv [--hosts 100000] [--seed 7]
"""

import argparse
import csv
import random
import re
import sys

# (advisory product, weight, OS Name, OS Version, host name prefix)
PRODUCTS = [
    ("Windows 7 for x64-based Systems Service Pack 1", 6, "Microsoft Windows 7 Enterprise",
     "6.1.7601 Service Pack 1 Build 7601", "PC"),
    ("Windows 8.1 for x64-based systems", 2, "Microsoft Windows 8.1 Enterprise", "6.3.9600 N/A Build 9600", "PC"),
    ("Windows 10 Version 1607 for x64-based Systems", 3, "Microsoft Windows 10 Enterprise 2016 LTSB",
     "10.0.14393 N/A Build 14393", "PC"),
    ("Windows 10 Version 1809 for x64-based Systems", 4, "Microsoft Windows 10 Enterprise LTSC",
     "10.0.17763 N/A Build 17763", "PC"),
    ("Windows 10 Version 21H2 for x64-based Systems", 8, "Microsoft Windows 10 Enterprise",
     "10.0.19044 N/A Build 19044", "PC"),
    ("Windows 10 Version 22H2 for x64-based Systems", 30, "Microsoft Windows 10 Enterprise",
     "10.0.19045 N/A Build 19045", "PC"),
    ("Windows 11 Version 22H2 for x64-based Systems", 8, "Microsoft Windows 11 Enterprise",
     "10.0.22621 N/A Build 22621", "PC"),
    ("Windows 11 Version 23H2 for x64-based Systems", 15, "Microsoft Windows 11 Enterprise",
     "10.0.22631 N/A Build 22631", "PC"),
    ("Windows Server 2012 R2", 5, "Microsoft Windows Server 2012 R2 Standard", "6.3.9600 N/A Build 9600", "SRV"),
    ("Windows Server 2016", 7, "Microsoft Windows Server 2016 Standard", "10.0.14393 N/A Build 14393", "SRV"),
    ("Windows Server 2019", 7, "Microsoft Windows Server 2019 Standard", "10.0.17763 N/A Build 17763", "SRV"),
    ("Windows Server 2022", 5, "Microsoft Windows Server 2022 Standard", "10.0.20348 N/A Build 20348", "SRV"),
]

HEADER = ["Host Name", "OS Name", "OS Version", "OS Manufacturer", "OS Configuration", "OS Build Type",
          "Registered Owner", "Registered Organization", "Product ID", "Original Install Date", "System Boot Time",
          "System Manufacturer", "System Model", "System Type", "Processor(s)", "BIOS Version", "Windows Directory",
          "System Directory", "Boot Device", "System Locale", "Input Locale", "Time Zone", "Total Physical Memory",
          "Available Physical Memory", "Virtual Memory: Max Size", "Virtual Memory: Available",
          "Virtual Memory: In Use", "Page File Location(s)", "Domain", "Logon Server", "Hotfix(s)",
          "Network Card(s)", "Hyper-V Requirements"]


def load(path):
    """Per product: every KB, and the cumulative ones (they fix a CVE and take part in supersedence), sorted."""
    wanted = {p[0] for p in PRODUCTS}
    kbs = {p: set() for p in wanted}
    edges = {p: set() for p in wanted}
    fixing = {p: set() for p in wanted}
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        for row in csv.reader(f):
            if len(row) < 10 or row[4] not in wanted or not row[2].isdigit():
                continue
            product, kb = row[4], int(row[2])
            kbs[product].add(kb)
            if row[1].upper().startswith("CVE"):
                fixing[product].add(kb)
            older = [int(s) for s in re.split(r"[;,]", row[8]) if s.strip().isdigit()]
            if older:
                edges[product].add(kb)
                edges[product].update(older)
                kbs[product].update(older)
    series = {p: sorted(kbs[p] & edges[p] & fixing[p]) for p in wanted}
    return {p: sorted(kbs[p]) for p in wanted}, series


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("definitions")
    parser.add_argument("out")
    parser.add_argument("--hosts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    allkbs, series = load(args.definitions)
    for product, cus in series.items():
        if not cus:
            sys.exit(f"no cumulative updates for {product} in {args.definitions}")
    weights = [p[1] for p in PRODUCTS]
    counts = {}
    with open(args.out, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(HEADER)
        for n in range(args.hosts):
            product, _, os_name, os_version, prefix = rng.choices(PRODUCTS, weights)[0]
            counts[product] = counts.get(product, 0) + 1
            cus = series[product]
            lag = rng.random()
            if lag < 0.3:    # current: one of the last two cumulative updates
                point = len(cus) - 1 - rng.randrange(min(2, len(cus)))
            elif lag < 0.7:  # months behind: within the last 24 of the series
                point = len(cus) - 1 - rng.randrange(min(24, len(cus)))
            else:            # years behind: anywhere in the series
                point = rng.randrange(len(cus))
            cu = cus[point]
            older = [kb for kb in allkbs[product] if kb < cu]
            extra = rng.randrange(0, 40)
            installed = [cu] + rng.sample(older, min(extra, len(older)))
            installed.sort()
            hotfixes = f"{len(installed)} Hotfix(s) Installed.," + ",".join(
                f"[{i + 1:02d}]: KB{kb}" for i, kb in enumerate(installed))
            name = f"{prefix}{n:06d}"
            writer.writerow([
                name, os_name, os_version, "Microsoft Corporation",
                "Member Server" if prefix == "SRV" else "Member Workstation", "Multiprocessor Free", "IT Services",
                "NHS Trust", f"00329-{n % 100000:05d}-00000-AA{n % 1000:03d}", "14/03/2021, 09:12:44",
                "28/11/2026, 07:55:10", "Dell Inc.", "OptiPlex 7090", "x64-based PC",
                "1 Processor(s) Installed.,[01]: Intel64 Family 6 Model 165 Stepping 5 GenuineIntel ~2904 Mhz",
                "Dell Inc. 1.22.0, 12/06/2024", "C:\\Windows", "C:\\Windows\\system32", "\\Device\\HarddiskVolume1",
                "en-gb;English (United Kingdom)", "en-gb;English (United Kingdom)",
                "(UTC+00:00) Dublin, Edinburgh, Lisbon, London", "16,108 MB", "9,877 MB", "18,540 MB", "11,402 MB",
                "7,138 MB", "C:\\pagefile.sys", "trust.nhs.uk", "\\\\DC01", hotfixes,
                "1 NIC(s) Installed.,[01]: Intel(R) Ethernet Connection (14) I219-LM,      Connection Name: Ethernet,"
                "      DHCP Enabled:    Yes,      IP address(es),      [01]: 10.20.30.40",
                "A hypervisor has been detected. Features required for Hyper-V will not be displayed."])
    summary = ", ".join(f"{p}: {c}" for p, c in sorted(counts.items(), key=lambda x: -x[1]))
    print(f"{args.hosts} hosts written to {args.out} ({summary})", file=sys.stderr)


if __name__ == "__main__":
    main()
