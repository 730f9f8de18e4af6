#!/usr/bin/env python3
"""Compares WES-NG's findings with Vigil's, host by host, and says from the definitions who is right (bench/updates.sh).

    compare_wesng.py --definitions CVEs.csv [--definitions Custom.csv] --systeminfo DIR --wes DIR \
                     --assessment assessment.json --csv OUT.csv

--wes DIR holds, per systeminfo file NAME.txt, WES-NG's output NAME.csv (`wes … -o NAME.csv`) and its console log
NAME.log (for the product it assessed, and its error when it failed). WES-NG's CSV has no host name: it is joined
to the file it was run on, and the file to Vigil's subject through the file's Host Name (its first field in every
language) and the evidence file of Vigil's findings.

For each host it lists the identifiers only WES-NG reports, only Vigil reports, and the count both report, and for each
disagreement the evidence from the definitions: the fixing KBs for the host's product, the host's installed KBs, and
whether an installed KB is a fixing KB, supersedes one through a chain (KB numbers on the way), or is a later
cumulative update of the product (a higher KB number in the product's supersedence series, which Vigil also accepts).
Prints a Markdown summary grouped by cause; writes every disagreement to --csv.
"""

import argparse
import codecs
import collections
import csv
import json
import os
import re
import sys

csv.field_size_limit(1 << 24)
KB_LINE = re.compile(r"KB(\d{5,8})", re.IGNORECASE)
# The first monthly rollup of Windows 7 SP1 / 2008 R2 SP1 (October 2016; 8.1 and 2012 R2: KB3185331, 2012: KB3185332).
# Before it, Windows 7/8.1/2008 R2/2012 (R2) updates were per component: a higher KB number contains nothing earlier.
ROLLUPS_START = 3185330


def normalise_id(cve, kb):
    """The advisory id as Vigil names it: CVE-YYYY-N, other ids upper case, an empty CVE column grouped by KB."""
    value = cve.strip().upper()
    m = re.fullmatch(r"CVE-?(\d{4})-?(\d{4,})", value)
    if m:
        return f"CVE-{m.group(1)}-{m.group(2)}"
    if value in ("", "CVE"):
        return f"KB{kb}" if kb.isdigit() else None
    return value


def decode(data):
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp850", "replace")


def read_systeminfo(path):
    """Host name (the first field, in every language) and installed KBs (the `[01]: KB…` lines; systeminfo names no
    other KB)."""
    text = decode(open(path, "rb").read())
    lines = [line for line in text.splitlines() if line.strip()]
    host = lines[0].split(":", 1)[1].strip() if lines and ":" in lines[0] else None
    return host, sorted({int(k) for k in KB_LINE.findall(text)})


class Definitions:
    def __init__(self, paths):
        self.rows = collections.defaultdict(list)  # product -> [(id, kb, supersedes list, raw, component)]
        self.supersedes = collections.defaultdict(set)  # kb -> older kbs (any product), as Vigil uses them
        self.products = set()
        for path in paths:
            with open(path, newline="", encoding="utf-8", errors="replace") as f:
                for row in csv.reader(line for line in f if not line.startswith("#")):
                    if len(row) != 10 or row[0] == "DatePosted":
                        continue
                    kb = row[2].strip()
                    ident = normalise_id(row[1], kb)
                    older = [int(s) for s in re.split(r"[;,]|<br>", row[8]) if s.strip().isdigit()]
                    product = row[4]
                    self.products.add(product)
                    self.rows[product].append((ident, kb, older, row[8], row[5]))
                    if kb.isdigit() and older:
                        self.supersedes[int(kb)].update(older)

    def vigil_view(self, product):
        """As Vigil's index: per id its fixing KBs for the product (exact name, any case); the cumulative series."""
        fixes = collections.defaultdict(set)
        components = collections.defaultdict(set)  # kb -> AffectedComponent values of its rows
        edges, fixing = set(), set()
        for name in self.products:
            if name.lower() != product.lower():
                continue
            for ident, kb, older, _, component in self.rows[name]:
                if ident is None:
                    continue
                entry = fixes[ident]
                if kb.isdigit():
                    entry.add(int(kb))
                    components[int(kb)].add(component)
                    if ident.startswith("CVE-"):
                        fixing.add(int(kb))
                    if older:
                        edges.add(int(kb))
                        edges.update(older)
        return fixes, sorted(fixing & edges), components

    def wes_view(self, productfilter):
        """As wes.py 1.03: rows whose AffectedProduct contains the filter (case-sensitive), the Supersedes strings."""
        rows = []
        sp = productfilter + " Service Pack"
        for name in self.products:
            if productfilter in name and ("Service Pack" in productfilter or sp not in name):
                rows += [(name,) + r for r in self.rows[name]]
        superseded = collections.defaultdict(set)  # kb (string) -> newer kbs among those rows
        for name, ident, kb, older, raw, _ in rows:
            for part in raw.split(";"):
                if part:
                    superseded[part].add(kb)
        return rows, superseded

    def chain(self, installed, targets):
        """The supersedence path from an installed KB to one of `targets`, or None (breadth first, any product)."""
        targets = set(targets)
        for start in installed:
            if start in targets:
                return [start]
        parent = {}
        queue = collections.deque()
        for start in installed:
            parent[start] = None
            queue.append(start)
        while queue:
            kb = queue.popleft()
            for older in sorted(self.supersedes.get(kb, ())):
                if older in parent:
                    continue
                parent[older] = kb
                if older in targets:
                    path = [older]
                    while parent[path[-1]] is not None:
                        path.append(parent[path[-1]])
                    return list(reversed(path))
                queue.append(older)
        return None


def kbs_text(kbs, limit=4):
    kbs = sorted(kbs)
    text = ", ".join(f"KB{k}" for k in kbs[:limit])
    return text + (f" and {len(kbs) - limit} more" if len(kbs) > limit else "")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--definitions", action="append", required=True)
    ap.add_argument("--systeminfo", required=True)
    ap.add_argument("--wes", required=True)
    ap.add_argument("--assessment", required=True)
    ap.add_argument("--csv", required=True)
    args = ap.parse_args()

    defs = Definitions(args.definitions)
    assessment = json.load(open(args.assessment))

    # Vigil: per host, its product, the ids it reports missing, the state reason, and the files it came from.
    vigil = collections.defaultdict(lambda: {"ids": set(), "product": None, "unknown": None, "files": set(),
                                             "capped": False})
    for f in assessment["findings"]:
        if f.get("area") != "updates" or f["subject"]["kind"] != "host":
            continue
        host = vigil[f["subject"]["name"].upper()]
        host["files"].update(e["file"] for e in f.get("evidence", []))
        facts = f.get("facts", {})
        if f["rule"] in ("VGL-UPD-MISSING-EXPLOITED", "VGL-UPD-OVERDUE", "VGL-UPD-MISSING"):
            # assessment.json 2.0 writes listed as an array; 1.x as a comma-separated string.
            listed = facts.get("listed", [])
            listed = [x for x in (listed.split(",") if isinstance(listed, str) else listed) if x]
            host["ids"].update(listed)
            host["product"] = facts.get("product")
            if len(listed) < int(facts.get("vulnerabilities", "0")):
                host["capped"] = True
        if "reason" in facts:
            host["unknown"] = facts["reason"]

    out_rows = []
    md = []
    totals = collections.Counter()
    classes = collections.Counter()
    files = sorted(n for n in os.listdir(args.systeminfo) if not n.startswith("."))
    md.append("| file | host | WES-NG product | Vigil product | installed KBs | both | only WES-NG | only Vigil |")
    md.append("|---|---|---|---|---|---|---|---|")
    details = []
    for name in files:
        stem = os.path.splitext(name)[0]
        hostname, installed = read_systeminfo(os.path.join(args.systeminfo, name))
        key = (hostname or "").upper()
        if key not in vigil:  # fall back to the evidence file of Vigil's findings
            key = next((h for h, v in vigil.items() if name in v["files"]), key)
        v = vigil.get(key, {"ids": set(), "product": None, "unknown": None, "files": set(), "capped": False})
        log = open(os.path.join(args.wes, stem + ".log"), errors="replace").read() \
            if os.path.exists(os.path.join(args.wes, stem + ".log")) else ""
        m = re.search(r"- Name: (.*)", log)
        wes_product = m.group(1).strip() if m else None
        wes_failed = None
        if wes_product is None:
            err = re.search(r"\[-\] (.*)", log)
            wes_failed = err.group(1).strip() if err else "no output"
        wes_ids = {}
        wes_csv = os.path.join(args.wes, stem + ".csv")
        if os.path.exists(wes_csv):
            for row in csv.DictReader(open(wes_csv, newline="", encoding="utf-8", errors="replace")):
                ident = normalise_id(row["CVE"], row["BulletinKB"])
                if ident:
                    wes_ids.setdefault(ident, set()).add((row["BulletinKB"], row["AffectedProduct"],
                                                          row["AffectedComponent"]))
        product = v["product"]
        if product is None:  # no missing finding: take the product Vigil would match from WES-NG's name
            product = wes_product
        vfixes, series, comps = defs.vigil_view(product) if product else ({}, [], {})
        cumulative = set(series)
        newest_cu = max((k for k in installed if k in cumulative), default=None)
        wes_rows, wes_superseded = defs.wes_view(wes_product) if wes_product else ([], {})
        wes_fix = collections.defaultdict(set)
        for pname, ident, kb, _, _, _ in wes_rows:
            if ident:
                wes_fix[ident].add(kb)

        both = set(wes_ids) & v["ids"]
        only_wes = set(wes_ids) - v["ids"]
        only_vigil = v["ids"] - set(wes_ids)
        totals["both"] += len(both)
        md.append(f"| {name} | {hostname} | {wes_product or 'failed: ' + wes_failed} | {product or '—'} | "
                  f"{len(installed)} | {len(both)} | {len(only_wes)} | {len(only_vigil)} |")
        groups = collections.defaultdict(list)

        def record(side, ident, cause, right, evidence, fixing):
            groups[(side, cause, right)].append((ident, evidence))
            classes[(side, cause, right)] += 1
            totals[side] += 1
            out_rows.append({"file": name, "host": hostname, "id": ident, "reported_by": side, "cause": cause,
                             "right": right, "vigil_product": product or "", "wes_product": wes_product or "",
                             "fixing_kbs": " ".join(f"KB{k}" for k in sorted(fixing)),
                             "installed_kbs": " ".join(f"KB{k}" for k in installed), "evidence": evidence})

        for ident in sorted(only_wes):
            rows = wes_ids[ident]
            wes_products = sorted({p for _, p, _ in rows})
            kbs = {int(k) for k, _, _ in rows if k.isdigit()}
            wes_components = {c for _, _, c in rows}
            if ident not in vfixes:
                on_host = [p for p in wes_products if " on " in p and p.split(" on ", 1)[1] in (product, wes_product)]
                if on_host:  # a component product (IE, Edge, .NET, Flash, codecs) on the host's Windows
                    path = defs.chain(installed, kbs) if kbs else None
                    kind = on_host[0].split(" on ", 1)[0]
                    kind = re.sub(r"\s*[\d./]+(\s+AND\s+[\d./]+)*$", "", kind)
                    if path:
                        record("only WES-NG", ident, "a component product on the host's Windows (IE, Edge, .NET, "
                               "Flash…), whose fix is installed or superseded by an installed KB", "Vigil",
                               f"{kind}: installed KB{path[0]} → fixing KB{path[-1]}", kbs)
                    elif kbs & cumulative and newest_cu and min(kbs & cumulative) <= newest_cu and not (
                            re.match(r"Windows (7|8\.1|Server 2008|Server 2012)", product or "")
                            and newest_cu < ROLLUPS_START):
                        record("only WES-NG", ident, "a component product on the host's Windows (IE, Edge, .NET, "
                               "Flash…) fixed by a cumulative update of Windows, a later one of which is installed",
                               "Vigil (release order)", f"{kind}: installed KB{newest_cu} ≥ fixing KB"
                               f"{min(kbs & cumulative)}", kbs)
                    elif not kbs:
                        record("only WES-NG", ident, "a component product on the host's Windows (IE, Edge, .NET, "
                               "Flash…) with no fixing KB in the data", "undecidable (Vigil does not assess "
                               "component products)", f"{kind}", kbs)
                    else:
                        record("only WES-NG", ident, "a component product on the host's Windows (IE, Edge, .NET, "
                               "Flash…) that Vigil does not assess; fix not installed", "WES-NG, if the component "
                               "is installed (Vigil: not assessed)", f"{kind}: fixing {kbs_text(kbs)}", kbs)
                    continue
                cause = f"not an advisory of the host's product {product}: WES-NG matched {', '.join(wes_products)}"
                record("only WES-NG", ident, cause, "Vigil", f"WES-NG rows: {kbs_text(kbs) or 'no KB'}", kbs)
                continue
            fixing = vfixes[ident]
            if not fixing:
                record("only WES-NG", ident, "no fixing KB in the data (BulletinKB empty or not a KB): an update "
                       "list cannot decide it; WES-NG reports it on every host of the product, patched or not",
                       "undecidable (Vigil does not report it)", f"BulletinKB values: {sorted({k for k, _ in rows})}",
                       fixing)
                continue
            def component_of(kb):
                return ", ".join(sorted(c or "Windows" for c in comps.get(kb, {""}))) or "Windows"

            def other_component(fix_kb):
                """When the installed fix is for another component than the rows WES-NG reports (.NET 3.5.1 vs
                .NET 4): whether the host shows that component installed (any of its KBs)."""
                mine = comps.get(fix_kb, {""})
                if mine & wes_components:
                    return None
                theirs = wes_components - mine
                # Windows' own part (no component) is not missing when a fix of that part is installed or superseded.
                if "" in theirs and defs.chain(installed, {k for k in fixing if "" in comps.get(k, set())}):
                    theirs = theirs - {""}
                present = sorted(k for k in installed if comps.get(k, set()) & theirs)
                return theirs, present

            direct = sorted(set(installed) & fixing)
            path = [direct[0]] if direct else defs.chain(installed, fixing)
            if path and other_component(path[-1]):
                theirs, present = other_component(path[-1])
                text = (f"installed KB{path[0]} → KB{path[-1]} fixes {component_of(path[-1])}; WES-NG reports the "
                        f"fix for {', '.join(sorted(c or 'Windows' for c in theirs))}")
                if present:
                    record("only WES-NG", ident, "the installed fix is for another component of the product, which "
                           "the host has too", "WES-NG (Vigil counts a fix for one component as fixing another)",
                           text + f"; the host has that component (KB{present[0]})", fixing)
                else:
                    record("only WES-NG", ident, "the installed fix is for another component of the product (.NET "
                           "3.5.1 vs 4…); nothing shows the other component installed", "undecidable (probably Vigil)",
                           text, fixing)
                continue
            if direct:
                record("only WES-NG", ident, "a fixing KB is installed (an equivalent update: security-only vs "
                       "monthly rollup, or another update of the same component)", "Vigil",
                       f"installed KB{direct[0]} fixes it", fixing)
                continue
            if path:
                how = "directly" if len(path) == 2 else f"through a chain of {len(path) - 1}"
                record("only WES-NG", ident, f"an installed KB supersedes a fixing KB ({'directly' if len(path) == 2 else 'through a chain'})",
                       "Vigil", f"installed KB{path[0]} supersedes fixing KB{path[-1]} {how}: "
                       + " → ".join(f"KB{k}" for k in path), fixing)
                continue
            cu_fix = sorted(k for k in fixing if k in cumulative and newest_cu is not None and k <= newest_cu)
            if cu_fix:
                evidence = (f"installed KB{newest_cu} ({component_of(newest_cu)}) ≥ fixing KB{cu_fix[-1]} "
                            f"({component_of(cu_fix[-1])})")
                legacy = re.match(r"Windows (7|8\.1|Server 2008|Server 2012)", product or "")
                if legacy and newest_cu < ROLLUPS_START:
                    record("only WES-NG", ident, "Vigil takes a later update of the product by KB order, but on "
                           "Windows 7/8.1/2008 R2/2012 R2 updates before the monthly rollups of October 2016 are "
                           "per component, not cumulative", "WES-NG (Vigil false negative)", evidence, fixing)
                else:
                    record("only WES-NG", ident, "a later cumulative update of the product is installed (KB order "
                           "within the product's supersedence series; the chain in the data is broken)",
                           "Vigil (release order)", evidence, fixing)
                continue
            if v["unknown"]:
                record("only WES-NG", ident, f"Vigil leaves the host undecided: {v['unknown']}", "undecided", "",
                       fixing)
                continue
            record("only WES-NG", ident, "Vigil does not report a fix the host lacks", "WES-NG",
                   f"fixing {kbs_text(fixing)}; none installed or superseded by an installed KB", fixing)

        for ident in sorted(only_vigil):
            fixing = vfixes.get(ident, set())
            path = defs.chain(installed, fixing) if fixing else None
            if path:
                record("only Vigil", ident, "an installed KB supersedes a fixing KB: Vigil false positive", "WES-NG",
                       " → ".join(f"KB{k}" for k in path), fixing)
                continue
            if wes_failed:
                record("only Vigil", ident, f"WES-NG could not read the file ({wes_failed})", "Vigil",
                       f"fixing {kbs_text(fixing)}; none installed or superseded by an installed KB", fixing)
                continue
            if wes_product and ident not in wes_fix:
                record("only Vigil", ident, f"WES-NG assessed the host as {wes_product}, whose rows do not have it",
                       "Vigil", f"fixing for {product}: {kbs_text(fixing)}; none installed or superseded", fixing)
                continue
            kbs = wes_fix.get(ident, set())
            hidden = {k: sorted(wes_superseded.get(k, ())) for k in kbs}
            if kbs and all(hidden[k] for k in kbs):
                example = sorted(kbs)[-1]
                newer = [n for n in hidden[example] if n.isdigit() and int(n) not in installed]
                record("only Vigil", ident, "WES-NG drops a fix that any later update supersedes, installed or not "
                       "(it lists only the CVEs of the newest update); the host has no fixing or superseding KB",
                       "Vigil", f"fixing KB{example} is superseded by KB{', KB'.join(newer[:3])} (not installed); "
                       f"installed: {kbs_text(installed)}", fixing)
                continue
            record("only Vigil", ident, "other", "?", f"WES-NG KBs {sorted(kbs)}; superseded: {hidden}", fixing)

        if groups:
            details.append(f"\n**{hostname}** ({name}; Vigil: {product}; WES-NG: {wes_product or 'failed'}; "
                           f"{len(installed)} KBs installed{'; Vigil list capped, use --all-missing-updates' if v['capped'] else ''})\n")
            for (side, cause, right), items in sorted(groups.items(), key=lambda g: -len(g[1])):
                sample = ", ".join(i for i, _ in items[:4]) + (", …" if len(items) > 4 else "")
                details.append(f"- {side}: {len(items)} ({sample}) — {cause}. Right: **{right}**. "
                               f"E.g. {items[0][0]}: {items[0][1]}")

    with open(args.csv, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(out_rows[0].keys()) if out_rows else ["file"])
        w.writeheader()
        w.writerows(out_rows)

    print("\n".join(md))
    print(f"\nTotals: {totals['both']} reported by both, {totals['only WES-NG']} only by WES-NG, "
          f"{totals['only Vigil']} only by Vigil (host × advisory). Every disagreement: {args.csv}.")
    print("\n| reported by | cause | who is right | host × advisory |")
    print("|---|---|---|---|")
    merged = collections.Counter()
    for (side, cause, right), n in classes.items():
        generic = re.sub(r"product .*?: WES-NG matched .*", "product: WES-NG matched another product", cause)
        generic = re.sub(r"assessed the host as .*?, whose", "assessed the host as another product, whose", generic)
        generic = re.sub(r"undecided: .*", "undecided", generic)
        generic = re.sub(r"read the file \(.*\)", "read the file", generic)
        merged[(side, generic, right)] += n
    for (side, cause, right), n in sorted(merged.items(), key=lambda x: (x[0][0], -x[1])):
        print(f"| {side} | {cause} | {right} | {n} |")
    print("\nPer host:")
    print("\n".join(details))


if __name__ == "__main__":
    main()
