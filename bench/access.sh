#!/usr/bin/env bash
# Effective-access benchmark (issue 15), in one run on the same generated edge list. Prints a Markdown table.
#
# A generated directory and share graph (200,000 users, 20,000 groups nested up to 6 deep with a few cycles, 50,000
# resources of which 2,000 confidential; bench/peers/make_access_graph.py): for each confidential resource, the number of
# distinct enabled users who can read it (allow entries through nested groups, minus deny entries). Vigil's AccessGraph
# (vigil-bench access) against python-igraph and networkx (PyPI) on the same file; the counts must be identical.
#
#   bench/access.sh                     # the full graph
#   USERS=20000 GROUP_COUNT=2000 RESOURCES=5000 CONFIDENTIAL=200 bench/access.sh   # a quick run
#   NETWORKX=0 bench/access.sh          # skip networkx (about 40x slower than igraph)
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=${USERS:-200000}
GROUP_COUNT=${GROUP_COUNT:-20000}
RESOURCES=${RESOURCES:-50000}
CONFIDENTIAL=${CONFIDENTIAL:-2000}
NETWORKX=${NETWORKX:-1}
OUT=${OUT:-bench/out}
EDGES="$OUT/access-$USERS-$GROUP_COUNT-$RESOURCES-$CONFIDENTIAL.txt"
mkdir -p "$OUT"

command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
# BENCH names a vigil-bench built elsewhere (the Benchmarks package finds Vigil as the package "main", so it builds
# only from a checkout in a folder named main).
if [ -z "${BENCH:-}" ]; then
    (cd Benchmarks && swift build -c release --product vigil-bench >&2)
    BENCH=Benchmarks/.build/release/vigil-bench
fi
if [ ! -f bench/.venv/bin/python ]; then python3 -m venv bench/.venv >&2; fi
bench/.venv/bin/pip install -q 'python-igraph==1.0.0' 'networkx==3.6.1' >&2
[ -f "$EDGES" ] || bench/.venv/bin/python bench/peers/make_access_graph.py "$EDGES" --users "$USERS" --groups "$GROUP_COUNT" \
    --resources "$RESOURCES" --confidential "$CONFIDENTIAL"

run() {  # name command… → the tool's JSON line, with its peak RSS (KiB) appended
    local log name=$1
    shift
    log=$(mktemp)
    /usr/bin/time -f "%M" -o "$log" "$@" > "$OUT/access-$name.json"
    echo "$(cat "$OUT/access-$name.json") $(tail -1 "$log")"
    rm -f "$log"
}
vigil=$(run vigil "$BENCH" access "$EDGES" "$OUT/access-counts-vigil.txt")
igraph=$(run igraph bench/.venv/bin/python bench/peers/access_reach.py igraph "$EDGES" "$OUT/access-counts-igraph.txt")
networkx=""
if [ "$NETWORKX" = 1 ]; then
    networkx=$(run networkx bench/.venv/bin/python bench/peers/access_reach.py networkx "$EDGES" "$OUT/access-counts-networkx.txt")
fi

echo "Edge list: $(wc -l < "$EDGES") lines, $(( $(stat -c %s "$EDGES") >> 20 )) MiB; $(nproc) cores."
echo
echo "| tool | read edge list s | build graph s | count readers s | build + count s | peak RSS MiB | counts identical to Vigil |"
echo "|---|---|---|---|---|---|---|"
row() {  # label "json rss" counts-file
    local json=${2% *} rss=${2##* } same="—"
    [ "$3" != vigil ] && { cmp -s "$OUT/access-counts-vigil.txt" "$OUT/access-counts-$3.txt" && same=yes || same=NO; }
    echo "$json" | bench/.venv/bin/python -c "
import json, sys
d = json.loads(sys.stdin.read())
print('| $1 | %.2f | %.2f | %.2f | %.2f | %d | $same |' % (d['parse'], d['build'], d['query'], d['build'] + d['query'], $rss // 1024))"
}
row "vigil-bench access (AccessGraph, every core)" "$vigil" vigil
row "python-igraph $(bench/.venv/bin/pip show python-igraph | awk '/^Version/ { print $2 }') (\`subcomponent\`)" "$igraph" igraph
[ -n "$networkx" ] && row "networkx $(bench/.venv/bin/pip show networkx | awk '/^Version/ { print $2 }') (\`descendants\`)" "$networkx" networkx
echo
echo "Vigil: $vigil"
bench/.venv/bin/python - "$OUT/access-vigil.json" "$OUT/access-igraph.json" <<'PY'
import json, sys
v, i = (json.load(open(p)) for p in sys.argv[1:3])
print("Speed-up over igraph (build + count): %.1fx; counting alone: %.1fx" % (
    (i["build"] + i["query"]) / (v["build"] + v["query"]), i["query"] / v["query"]))
PY
