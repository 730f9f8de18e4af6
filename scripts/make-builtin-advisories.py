"""Derives Vigil's built-in advisory catalogue (Sources/VigilParsers/Resources/builtin-advisories.csv) from the WES-NG
definitions (BSD 3-Clause, bitsadmin/wesng): every row for a few historically critical, wormable or mass-exploited
Windows vulnerabilities, plus, for each affected product, one row per later update that WES-NG records as superseding
a fixing update (directly or through a chain), so that hosts patched by a later monthly rollup or cumulative update
are recognised as fixed without the full definitions. Those rows keep the vulnerability's CVE (the later update
contains its fix), the later update's own release date and its real Supersedes value, and say so in the title.

The Exploits column is left empty and Itanium, Windows RT and Server Core rows are left out, to keep the file small.

WES-NG has no rows for Windows XP or Windows 8 (out of support when Microsoft's machine-readable data began), so the
updates Microsoft published for them against these worms are added by hand from its bulletins (SUPPLEMENT below):
KB4012598 (MS17-010, 13 May 2017, for XP, Server 2003 and Windows 8), KB958644 (MS08-067, 23 October 2008) and
KB4500331 (BlueKeep, 14 May 2019, for XP and Server 2003). Their titles say so.

usage: make-builtin-advisories.py CVEs_YYYYMMDD.csv > Sources/VigilParsers/Resources/builtin-advisories.csv
"""
import collections
import csv
import sys

TARGETS = {
    "CVE-2017-0143", "CVE-2017-0144", "CVE-2017-0145", "CVE-2017-0146", "CVE-2017-0147", "CVE-2017-0148",  # MS17-010
    "CVE-2008-4250",  # MS08-067 (Conficker)
    "CVE-2019-0708",  # BlueKeep
    "CVE-2019-1181", "CVE-2019-1182",  # DejaBlue
    "CVE-2020-0796",  # SMBGhost
    "CVE-2020-1472",  # Zerologon
}
XP_AND_2003 = [
    "Windows XP Service Pack 3", "Windows XP Professional x64 Edition Service Pack 2",
    "Windows Server 2003 Service Pack 2", "Windows Server 2003 x64 Edition Service Pack 2",
]
WINDOWS_8 = ["Windows 8 for 32-bit Systems", "Windows 8 for x64-based Systems"]
MS17_010 = ["CVE-2017-0143", "CVE-2017-0144", "CVE-2017-0145", "CVE-2017-0146", "CVE-2017-0147", "CVE-2017-0148"]
SUPPLEMENT = (
    [("20170513", cve, "4012598", "Customer guidance for WannaCrypt attacks (MS17-010 for out-of-support Windows; added by Vigil from Microsoft's bulletin)", product)
     for cve in MS17_010 for product in XP_AND_2003 + WINDOWS_8]
    + [("20081023", "CVE-2008-4250", "958644", "Vulnerability in Server Service (MS08-067; added by Vigil from Microsoft's bulletin)", product)
       for product in XP_AND_2003]
    + [("20190514", "CVE-2019-0708", "4500331", "Remote Desktop Services Remote Code Execution (BlueKeep, for out-of-support Windows; added by Vigil from Microsoft's bulletin)", product)
       for product in XP_AND_2003]
)

# Products Vigil does not recognise from an inventory (no Itanium; Server Core shares the full installation's fixes).
SKIPPED_PRODUCTS = ("Itanium", "Server Core", "Windows RT")

rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8", errors="replace")))
header, rows = rows[0], rows[1:]


def kbs(text):
    return {part.strip() for part in text.replace(",", ";").split(";") if part.strip().isdigit()}


supersedes = collections.defaultdict(set)  # (product, kb) -> kbs it supersedes
latest = {}  # (product, kb) -> its latest DatePosted: a cumulative update is listed again under every old CVE it fixes
for row in rows:
    if not row[2]:
        continue
    key = (row[4], row[2])
    supersedes[key] |= kbs(row[8])
    latest[key] = max(latest.get(key, ""), row[0])
superseded_by = collections.defaultdict(set)
for (product, kb), olds in supersedes.items():
    for old in olds:
        superseded_by[(product, old)].add(kb)

# One row per (CVE, KB, product), Supersedes united: WES-NG repeats rows under two titles, with and without Supersedes.
merged = {}
order = []


def add(row):
    key = (row[1], row[2], row[4])
    if key in merged:
        merged[key][8] = ";".join(sorted(kbs(merged[key][8]) | kbs(row[8])))
    else:
        merged[key] = row
        order.append(key)


for row in rows:
    if row[1] not in TARGETS or any(word in row[4] for word in SKIPPED_PRODUCTS):
        continue
    add(row[:9] + [""])  # exploit links are not used, and would make the file large
    if not row[2]:
        continue
    # Later updates containing this fix, by supersedence.
    stack, later = [(row[4], row[2])], set()
    while stack:
        for newer in superseded_by[stack.pop()]:
            if newer not in later:
                later.add(newer)
                stack.append((row[4], newer))
    for newer in sorted(later):
        posted = latest.get((row[4], newer))
        if posted is not None:
            add([posted, row[1], newer, "Later cumulative update containing the fix", row[4], row[5], row[6], row[7],
                 ";".join(sorted(supersedes[(row[4], newer)])), ""])

for date, cve, kb, title, product in SUPPLEMENT:
    add([date, cve, kb, title, product, "", "Critical", "Remote Code Execution", "", ""])

out = csv.writer(sys.stdout, quoting=csv.QUOTE_ALL, lineterminator="\n")
out.writerow(header)
for key in order:
    out.writerow(merged[key])
