#!/usr/bin/env bash
# Builds a release of vigil into dist/ (gitignored):
#   dist/vigil                     the release binary, Swift's runtime and Foundation linked in (--static-swift-stdlib)
#   dist/*.resources               the readers' reference data, found beside the binary
#   dist/SHA256SUMS                checksums of every file in dist/
#   dist/vigil.cdx.json            CycloneDX 1.5 SBOM of Vigil's own dependencies (from Package.resolved)
#   dist/man/vigil.1               man page (swift-argument-parser's generate-manual tool, built from the checkout)
#   dist/completions/              vigil.bash, _vigil (zsh), vigil.fish
# and checks that the binary runs on a system without Swift: in a minimal Debian 12 root made with debootstrap
# (cached in .build-release-root/, needs root and Debian's mirror the first time) when it can be made, otherwise by
# ldd listing only system libraries and a run with LD_LIBRARY_PATH cleared. The binary needs one Debian package
# beyond the minimal base: libsqlite3-0 (see the ldd step). It says which check it did.
#
# Usage: scripts/release.sh            (VIGIL_RELEASE_SCRATCH: build folder, default .build-static;
#                                       VIGIL_RELEASE_NO_DEBOOTSTRAP=1: skip the clean-root check)
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=${VIGIL_RELEASE_SCRATCH:-.build-static}
dist=dist
root_cache=.build-release-root/debian-12

echo "== release build (static Swift runtime)"
swift build -c release --static-swift-stdlib --product vigil --scratch-path "$scratch"
binary="$scratch/release/vigil"

rm -rf "$dist"
mkdir -p "$dist/man" "$dist/completions"
cp "$binary" "$dist/vigil"
# The reference data the readers bundle (common passwords, the built-in advisory catalogue) is a resource folder that
# Foundation looks for beside the executable (symbolic links to it resolved): it ships with the binary.
cp -R "$scratch"/release/*.resources "$dist/"
version=$("$dist/vigil" --version)

echo "== shared libraries left"
# --static-swift-stdlib links Swift's runtime and Foundation in; what the binary still loads must be either part of any
# Debian/Ubuntu base system (glibc, libstdc++, libgcc, zlib) or the one Debian package README's install section
# names: libsqlite3-0 (GRDB and the national store use the system SQLite). No FoundationXML (the CVRF reader has its
# own tokenizer) and no FoundationNetworking (`vigil submit` uses AsyncHTTPClient), so neither libxml2 nor libcurl.
# Anything else fails the release.
ldd "$dist/vigil" | tee "$dist/.ldd"
base='linux-vdso|ld-linux-x86-64|libc\.so|libm\.so|libdl\.so|libpthread\.so|librt\.so|libutil\.so|libstdc\+\+\.so|libgcc_s\.so|libz\.so'
packaged='libsqlite3\.so'
if grep -vE "$base|$packaged" "$dist/.ldd" | grep -q .; then
    echo "release: the binary needs libraries beyond the base system and libsqlite3-0:" >&2
    grep -vE "$base|$packaged" "$dist/.ldd" >&2
    exit 1
fi
if grep -q 'not found' "$dist/.ldd" || grep -qE 'libswift|libFoundation|libdispatch|libBlocksRuntime' "$dist/.ldd"; then
    echo "release: the binary still loads a Swift runtime library or a missing one" >&2
    exit 1
fi
rm "$dist/.ldd"

echo "== runs without Swift"
checked=""
if [ "${VIGIL_RELEASE_NO_DEBOOTSTRAP:-0}" != 1 ] && [ "$(id -u)" -eq 0 ] && command -v debootstrap >/dev/null; then
    if [ ! -x "$root_cache/bin/sh" ]; then
        mkdir -p "$(dirname "$root_cache")"
        debootstrap --variant=minbase --include=libsqlite3-0 bookworm "$PWD/$root_cache" \
            http://deb.debian.org/debian >/dev/null || rm -rf "$root_cache"
    fi
    # The package the install section names, and nothing else beyond the minimal base.
    if [ -x "$root_cache/bin/sh" ] && ! chroot "$root_cache" dpkg -s libsqlite3-0 >/dev/null 2>&1; then
        cp /etc/resolv.conf "$root_cache/etc/resolv.conf"
        chroot "$root_cache" apt-get install -y -qq libsqlite3-0 >/dev/null || rm -rf "$root_cache"
    fi
    if [ -x "$root_cache/bin/sh" ]; then
        if chroot "$root_cache" sh -c 'command -v swift' >/dev/null 2>&1; then
            echo "release: the clean root has Swift; it is not a clean root" >&2
            exit 1
        fi
        # Installed as README says: the folder in /opt/vigil, a link on the PATH. /proc is mounted for the run
        # (Swift reads the command line from /proc/self/cmdline) and unmounted whatever happens.
        rm -rf "$root_cache/opt/vigil" "$root_cache/tmp/vigil-demo"
        mkdir -p "$root_cache/opt/vigil"
        cp -R "$dist/vigil" "$dist"/*.resources "$root_cache/opt/vigil/"
        ln -sf /opt/vigil/vigil "$root_cache/usr/local/bin/vigil"
        mount -t proc proc "$root_cache/proc"
        trap 'umount "$root_cache/proc" 2>/dev/null || true' EXIT
        # A real run, not only --version: the demo generates, reads (SQLite, zip, YAML) and writes every report.
        chroot "$root_cache" vigil --version
        chroot "$root_cache" vigil demo --practices 1 --trust-staff 300 --out /tmp/vigil-demo >/dev/null
        find "$root_cache/tmp/vigil-demo" -name report.html | grep -q .
        umount "$root_cache/proc"
        trap - EXIT
        rm -rf "$root_cache/opt/vigil" "$root_cache/usr/local/bin/vigil" "$root_cache/tmp/vigil-demo"
        checked="ran 'vigil --version' and 'vigil demo' in a minimal Debian 12 root (debootstrap --variant=minbase, plus libsqlite3-0)"
    fi
fi
if [ -z "$checked" ]; then
    env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH= "$dist/vigil" --version >/dev/null
    env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH= "$dist/vigil" rules --format json >/dev/null
    checked="ldd lists only base-system libraries; ran 'vigil --version' with LD_LIBRARY_PATH cleared (no clean root)"
fi
echo "checked: $checked"

echo "== man page"
# generate-manual is an executable target of swift-argument-parser, not a product Vigil can build, so it is built
# from the resolved checkout as a package of its own (offline: nothing is fetched).
tool_scratch="$scratch/generate-manual"
swift build -c release --package-path "$scratch/checkouts/swift-argument-parser" --scratch-path "$tool_scratch" \
    --product generate-manual >/dev/null
"$tool_scratch/release/generate-manual" "$dist/vigil" --output-directory "$dist/man" \
    --date "$(git log -1 --format=%cs)" --authors 'Vigil contributors'
test -s "$dist/man/vigil.1"

echo "== shell completions"
"$dist/vigil" --generate-completion-script bash >"$dist/completions/vigil.bash"
"$dist/vigil" --generate-completion-script zsh >"$dist/completions/_vigil"
"$dist/vigil" --generate-completion-script fish >"$dist/completions/vigil.fish"

echo "== SBOM"
swift package --scratch-path "$scratch" show-dependencies --format json >"$scratch/dependencies.json"
# ZIPFoundation writes zips in the tests only; Vigil reads zips itself (VigilIO), so the binary does not link it.
python3 scripts/make-sbom.py --version "${version#vigil }" --dependencies "$scratch/dependencies.json" \
    --test-only zipfoundation --resolved Package.resolved >"$dist/vigil.cdx.json"

echo "== checksums"
(cd "$dist" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | sort | xargs sha256sum >SHA256SUMS)

size=$(stat -c %s "$dist/vigil")
echo "release: $version, $((size / 1024 / 1024)) MiB ($size bytes), $checked"
