"""Derives Vigil's built-in advisory catalogue from the WES-NG definitions (BSD 3-Clause, bitsadmin/wesng) and the
CISA Known Exploited Vulnerabilities catalogue (CC0), writing three files into Sources/VigilParsers/Resources/:

- builtin-advisories.csv (WES-NG's CSV format): every row for a few historically critical, wormable or mass-exploited
  Windows vulnerabilities, plus, for each affected product, one row per later update that contains a fix:
  * updates that WES-NG records as superseding a fixing update (directly or through a chain), once per product:
    matching follows supersedence across CVEs, so one row makes the update count for every fix it contains;
  * every later monthly rollup and cumulative update of the product through its end of support (extended support
    included), once per product (under a target CVE whose fix the series' first update contains), with its real
    Supersedes value united
    with the product's previous monthly rollup or cumulative update. Monthly rollups and cumulative updates contain
    every earlier one (that is what Microsoft's servicing model promises), but WES-NG's Supersedes values skip some
    months (Windows 7's October 2019 rollup names a preview that has no row), so a chain that follows WES-NG alone
    stopped in 2019 and hosts patched since were reported as missing MS17-010. A product's series is its updates
    from the rollup era (KB3185330, October 2016) on that fix a CVE, take part in supersedence and are not only for
    Internet Explorer, the scripting engines or .NET (their own cumulative updates do not contain Windows fixes);
    the series starts at the first of them that contains a target fix.
  Those rows keep the vulnerability's CVE, the later update's own release date and say so in the title. The
  Exploits column is left empty and Itanium, Windows RT and Server Core rows are left out, to keep the file small
  (under 1 MB; the script fails if it is not).
- builtin-kev.json: the CISA KEV entries of the target CVEs, copied from the catalogue given, with its title,
  catalogVersion and dateReleased, so that known-exploited flags are the catalogue's, never typed by hand.
- builtin-advisories-info.json: the date of the WES-NG definitions and the KEV catalogue version used, which
  `vigil advisories show` and the report state.

Every row's DatePosted is its update's release date as WES-NG's rows attest it: the date most rows naming that KB give
(ties: the earliest), when that is earlier than the row's own. MSRC posts a CVE again when it revises it, and WES-NG
keeps the revision's date: DejaBlue's rows (CVE-2019-1181/1182) say October 2020, though their updates were released on
13 August 2019 (KB4511553: 616 rows say 2019-08-13, 20 say 2020-10-13). The earliest date naming a KB is no better: an
old CVE whose fix list MSRC extended to a later update keeps its own date (KB4022715, June 2017, is named by four rows
of August 2016). Taken as posted, the report understated how long hosts had gone without a fix, and the series below
was labelled with the wrong CVE.

WES-NG has no rows for Windows XP or Windows 8 (out of support when Microsoft's machine-readable data began), so the
updates Microsoft published for them against these worms are added by hand from its bulletins (SUPPLEMENT below):
KB4012598 (MS17-010, 13 May 2017, for XP, Server 2003 and Windows 8), KB958644 (MS08-067, 23 October 2008) and
KB4500331 (BlueKeep, 14 May 2019, for XP and Server 2003). Their titles say so.

usage: make-builtin-advisories.py definitions-YYYYMMDD.zip known_exploited_vulnerabilities.json [OUTPUT_DIR]
  definitions-YYYYMMDD.zip: WES-NG's definitions.zip (or a CVEs_YYYYMMDD.csv taken out of it);
  known_exploited_vulnerabilities.json: https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json
  OUTPUT_DIR defaults to Sources/VigilParsers/Resources. CI does not run this script; run it when either source is
  updated and commit the three files (tests check what they contain).
"""
import collections
import csv
import io
import json
import os
import re
import sys
import zipfile

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

# Components whose cumulative updates are their own (Internet Explorer, the scripting engines, .NET): they never
# contain a Windows fix, so they are not part of a product's series of monthly rollups and cumulative updates.
BROWSER_OR_RUNTIME = re.compile(r"internet explorer|mshtml|html platform|scripting|browser|edge|\.net", re.IGNORECASE)
# The first monthly rollup (October 2016): from then on Windows is serviced by cumulative updates (Vigil's rollupEra).
ROLLUP_ERA = 3185330
SIZE_LIMIT = 1_000_000

if len(sys.argv) not in (3, 4):
    sys.exit(__doc__)
definitions, kev_path = sys.argv[1], sys.argv[2]
output = sys.argv[3] if len(sys.argv) == 4 else os.path.join("Sources", "VigilParsers", "Resources")

if definitions.endswith(".zip"):
    archive = zipfile.ZipFile(definitions)
    name = next(n for n in archive.namelist() if re.fullmatch(r"CVEs_\d{8}\.csv", os.path.basename(n)))
    text = io.TextIOWrapper(archive.open(name), encoding="utf-8", errors="replace", newline="")
else:
    name = definitions
    text = open(definitions, newline="", encoding="utf-8", errors="replace")
stamp = re.search(r"(\d{4})(\d{2})(\d{2})", os.path.basename(name))
if not stamp:
    sys.exit(f"{name}: expected a CVEs_YYYYMMDD.csv")
definitions_date = "-".join(stamp.groups())
rows = list(csv.reader(text))
header, rows = rows[0], rows[1:]


def kbs(text):
    return {part.strip() for part in text.replace(",", ";").split(";") if part.strip().isdigit()}


def skipped(product):
    return any(word in product for word in SKIPPED_PRODUCTS)


supersedes = collections.defaultdict(set)  # (product, kb) -> kbs it supersedes
latest = {}  # (product, kb) -> its latest DatePosted: a cumulative update is listed again under every old CVE it fixes
posted_dates = collections.defaultdict(collections.Counter)  # kb -> how many rows give each DatePosted (see above)
fixes_cve = set()  # (product, kb) of updates that fix a CVE
windows_fix = set()  # (product, kb) of updates that fix something other than a browser, scripting engine or .NET
for row in rows:
    if not row[2].isdigit():
        continue
    key = (row[4], row[2])
    supersedes[key] |= kbs(row[8])
    latest[key] = max(latest.get(key, ""), row[0])
    posted_dates[row[2]][row[0]] += 1
    if row[1].upper().startswith("CVE"):
        fixes_cve.add(key)
        if not BROWSER_OR_RUNTIME.search(row[5]):
            windows_fix.add(key)
superseded_by = collections.defaultdict(set)
for (product, kb), olds in supersedes.items():
    for old in olds:
        superseded_by[(product, old)].add(kb)


def series(product):
    """The product's monthly rollups and cumulative updates, by KB number (release order within a product)."""
    return sorted(
        (kb for (name, kb) in supersedes if name == product and int(kb) >= ROLLUP_ERA
         and (name, kb) in fixes_cve and (name, kb) in windows_fix
         and (supersedes[(name, kb)] or superseded_by[(name, kb)])),
        key=int)


# One row per (CVE, KB, product), Supersedes united: WES-NG repeats rows under two titles, with and without Supersedes.
merged = {}
order = []


def released(kb):
    """The date most rows naming `kb` give, the earliest of those tied: its release date, as far as WES-NG says."""
    counts = posted_dates[kb]
    most = max(counts.values())
    return min(date for date, count in counts.items() if count == most)


def add(row):
    if row[2] in posted_dates:
        row = [min(row[0], released(row[2]))] + row[1:]
    key = (row[1], row[2], row[4])
    if key in merged:
        merged[key][8] = ";".join(sorted(kbs(merged[key][8]) | kbs(row[8]), key=int))
    else:
        merged[key] = row
        order.append(key)


containing = collections.defaultdict(set)  # product -> every update containing a target fix
contained = collections.defaultdict(set)  # (product, kb) -> target CVEs whose fix that update is or contains
for row in rows:
    if row[1] not in TARGETS or skipped(row[4]):
        continue
    add(row[:9] + [""])  # exploit links are not used, and would make the file large
    if not row[2].isdigit():
        continue
    # Later updates containing this fix, by WES-NG's supersedence.
    stack, later = [(row[4], row[2])], set()
    while stack:
        for newer in superseded_by[stack.pop()]:
            if newer not in later:
                later.add(newer)
                stack.append((row[4], newer))
    # Supersedence is followed across CVEs, so one row per (product, later update) is enough for every CVE it fixes.
    fresh = later - containing[row[4]]
    containing[row[4]] |= {row[2]} | later
    for kb in {row[2]} | later:
        contained[(row[4], kb)].add(row[1])
    for newer in sorted(fresh):
        posted = latest.get((row[4], newer))
        if posted is not None and not any(key[1] == newer and key[2] == row[4] for key in order):
            add([posted, row[1], newer, "Later cumulative update containing the fix", row[4], row[5], row[6], row[7],
                 ";".join(sorted(supersedes[(row[4], newer)], key=int)), ""])

# Every later monthly rollup and cumulative update, once per product, linked to the previous one in its series.
for product in sorted(containing):
    updates = series(product)
    start = next((position for position, kb in enumerate(updates) if kb in containing[product]), None)
    if start is None:
        continue
    # The rows carry a CVE the series' first update contains, which every later cumulative update contains too. The
    # product's earliest target CVE by date was used before: with DejaBlue's rows dated October 2020, Windows 10 1903's
    # series from September 2019 was filed under SMBGhost (March 2020), and a host with only September 2019's update
    # read as fixed for SMBGhost.
    cve = min(contained[(product, updates[start])])
    for previous, kb in zip(updates[start:], updates[start + 1:]):
        template = next(merged[key] for key in order if key[2] == product and key[0] == cve)
        add([latest[(product, kb)], cve, kb,
             "Later monthly rollup or cumulative update containing the fix (series link added by Vigil)", product,
             "", template[6], template[7], ";".join(sorted(supersedes[(product, kb)] | {previous}, key=int)), ""])

for date, cve, kb, title, product in SUPPLEMENT:
    add([date, cve, kb, title, product, "", "Critical", "Remote Code Execution", "", ""])

buffer = io.StringIO()
out = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
out.writerow(header)
for key in order:
    out.writerow(merged[key])
data = buffer.getvalue().encode("utf-8")
if len(data) >= SIZE_LIMIT:
    sys.exit(f"builtin-advisories.csv would be {len(data):,} bytes, over the 1 MB a committed file may have")
with open(os.path.join(output, "builtin-advisories.csv"), "wb") as file:
    file.write(data)

catalogue = json.load(open(kev_path, encoding="utf-8"))
entries = [entry for entry in catalogue["vulnerabilities"] if entry.get("cveID") in TARGETS]
subset = {key: catalogue[key] for key in ("title", "catalogVersion", "dateReleased")}
subset["count"] = len(entries)
subset["vulnerabilities"] = sorted(entries, key=lambda entry: entry["cveID"])
with open(os.path.join(output, "builtin-kev.json"), "w", encoding="utf-8") as file:
    json.dump(subset, file, indent=1, ensure_ascii=False)
    file.write("\n")

info = {
    "definitionsDate": definitions_date,
    "definitions": os.path.basename(name),
    "kevCatalogVersion": catalogue["catalogVersion"],
    "kevDateReleased": catalogue["dateReleased"][:10],
}
with open(os.path.join(output, "builtin-advisories-info.json"), "w", encoding="utf-8") as file:
    json.dump(info, file, indent=1)
    file.write("\n")
print(f"builtin-advisories.csv: {len(order):,} rows, {len(data):,} bytes; builtin-kev.json: {len(entries)} entries",
      file=sys.stderr)
