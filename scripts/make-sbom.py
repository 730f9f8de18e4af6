#!/usr/bin/env python3
"""Writes a CycloneDX 1.5 JSON SBOM of Vigil's own dependencies to standard output.

Inputs: `swift package show-dependencies --format json` (the tree: who depends on whom, checkout paths) and
Package.resolved (the exact revision of each pin). Licences are read from each checkout's licence file (Apache-2.0 or
MIT, the two Vigil's dependencies use; anything else is left out rather than guessed). Output is deterministic: the
serial number is derived from the pins and the timestamp is the last commit's, so the same tree gives the same bytes.
"""
import argparse
import json
import os
import subprocess
import sys
import uuid


def purl(url, version):
    """pkg:swift/<host>/<owner>/<name>@<version>, the package URL type for Swift packages."""
    path = url.split("://", 1)[-1].removesuffix(".git")
    return f"pkg:swift/{path}@{version}"


def licence(checkout):
    for name in ("LICENSE", "LICENSE.txt", "LICENSE.md"):
        file = os.path.join(checkout or "", name)
        if os.path.isfile(file):
            with open(file, encoding="utf-8", errors="replace") as handle:
                text = handle.read(4000)
            if "Apache License" in text and "Version 2.0" in text:
                return "Apache-2.0"
            if "MIT License" in text or "Permission is hereby granted, free of charge" in text:
                return "MIT"
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--version", required=True)
    parser.add_argument("--dependencies", required=True)
    parser.add_argument("--resolved", required=True)
    # Packages only the tests link (by identity): listed with scope "excluded", as they are not in the binary.
    parser.add_argument("--test-only", action="append", default=[])
    arguments = parser.parse_args()
    with open(arguments.dependencies) as handle:
        tree = json.load(handle)
    with open(arguments.resolved) as handle:
        pins = {pin["identity"]: pin for pin in json.load(handle)["pins"]}

    components, dependencies, seen = [], {}, {}

    def reference(node):
        identity = node["identity"]
        pin = pins.get(identity, {})
        version = pin.get("state", {}).get("version") or node.get("version", "unspecified")
        return identity, purl(pin.get("location", node["url"]), version), version, pin

    def visit(node):
        identity, ref, version, pin = reference(node)
        if identity not in seen:
            seen[identity] = ref
            component = {
                "type": "library",
                "bom-ref": ref,
                "name": node["name"],
                "version": version,
                "purl": ref,
                "externalReferences": [{"type": "vcs", "url": pin.get("location", node["url"])}],
            }
            if identity in arguments.test_only:
                component["scope"] = "excluded"
            revision = pin.get("state", {}).get("revision")
            if revision:
                # The git commit the pin resolves to: what was built, whatever the tag later points at.
                component["hashes"] = [{"alg": "SHA-1", "content": revision}]
            spdx = licence(node.get("path"))
            if spdx:
                component["licenses"] = [{"license": {"id": spdx}}]
            components.append(component)
            dependencies[ref] = sorted({visit(child) for child in node.get("dependencies", [])})
        return seen[identity]

    root_ref = f"pkg:swift/vigil@{arguments.version}"
    dependencies[root_ref] = sorted({visit(child) for child in tree.get("dependencies", [])})
    timestamp = subprocess.run(
        ["git", "log", "-1", "--format=%cI"], capture_output=True, text=True, check=False
    ).stdout.strip()
    serial = uuid.uuid5(uuid.NAMESPACE_URL, root_ref + "".join(sorted(seen.values())))
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "serialNumber": f"urn:uuid:{serial}",
        "version": 1,
        "metadata": {
            "tools": {"components": [{"type": "application", "name": "scripts/make-sbom.py"}]},
            "component": {"type": "application", "bom-ref": root_ref, "name": "vigil", "version": arguments.version},
        },
        "components": sorted(components, key=lambda component: component["name"].lower()),
        "dependencies": [{"ref": ref, "dependsOn": refs} for ref, refs in sorted(dependencies.items())],
    }
    if timestamp:
        bom["metadata"]["timestamp"] = timestamp
    json.dump(bom, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
