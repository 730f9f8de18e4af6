#!/usr/bin/env python3
"""For each confidential resource of an edge list (make_access_graph.py), the number of distinct enabled users who can
read it, with python-igraph or networkx: users reachable from the resource through grant and membership edges, minus
those reachable from its deny entries. Prints one JSON line with the timings; writes "RES COUNT" lines to COUNTS.

    access_reach.py igraph|networkx EDGES COUNTS
"""

import json
import sys
import time

library, path, counts_path = sys.argv[1:4]
if library == "igraph":
    import igraph
else:
    import networkx
started = time.perf_counter()
users = groups = resources = 0
disabled, confidential, edges, denies = set(), [], [], {}
with open(path) as handle:
    for line in handle:
        parts = line.split()
        tag = parts[0]
        if tag == "m":
            edges.append((users + int(parts[1]), int(parts[2])))
        elif tag == "n":
            edges.append((users + int(parts[1]), users + int(parts[2])))
        elif tag == "a":
            target = int(parts[3]) if parts[2] == "u" else users + int(parts[3])
            edges.append((users + groups + int(parts[1]), target))
        elif tag == "x":
            denies.setdefault(int(parts[1]), []).append(users + int(parts[3]))
        elif tag == "d":
            disabled.add(int(parts[1]))
        elif tag == "c":
            confidential.append(int(parts[1]))
        elif tag == "users":
            users = int(parts[1])
        elif tag == "groups":
            groups = int(parts[1])
        elif tag == "resources":
            resources = int(parts[1])
parsed = time.perf_counter()
vertices = users + groups + resources

if library == "igraph":
    graph = igraph.Graph(n=vertices, edges=edges, directed=True)
    built = time.perf_counter()

    def reach(vertex):
        return graph.subcomponent(vertex, mode="out")
else:
    graph = networkx.DiGraph()
    graph.add_nodes_from(range(vertices))
    graph.add_edges_from(edges)
    built = time.perf_counter()

    def reach(vertex):
        return networkx.descendants(graph, vertex)

results = []
for resource in confidential:
    readers = {v for v in reach(users + groups + resource) if v < users and v not in disabled}
    for denied in denies.get(resource, []):
        readers -= {v for v in reach(denied) if v < users}
    results.append((resource, len(readers)))
done = time.perf_counter()
with open(counts_path, "w") as out:
    for resource, count in results:
        out.write(f"{resource} {count}\n")
version = igraph.__version__ if library == "igraph" else networkx.__version__
print(json.dumps({"library": library, "version": version, "parse": parsed - started, "build": built - parsed,
                  "query": done - built, "resources": len(results)}))
