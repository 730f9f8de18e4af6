#!/usr/bin/env python3
"""Writes a generated directory and file-share permission graph as an edge list, for bench/access.sh.

Users, groups nested in layers (a group in layer k sits in one or two groups of layer k-1; layer 0 is the top, so
nesting is up to LAYERS deep), and resources each granting read to one to four
principals (mostly groups deep in the nesting, sometimes a top-level group, a user, or group 0, "Domain Users", which
holds every user). A few deep groups contain one of their own ancestors, closing cycles that leave the condensed nesting
at most LAYERS deep. About one user in twelve is disabled; a few confidential resources carry a deny entry. Seeded: the
same arguments give the same file.

Format, one record a line, integers only:

    users U / groups G / resources R     sizes (first three lines)
    d USER                               USER is disabled
    c RES                                RES is confidential
    m GROUP USER                         USER is a direct member of GROUP
    n GROUP CHILD                        group CHILD is nested in GROUP
    a RES u USER | a RES g GROUP         RES grants read to a user or a group
    x RES g GROUP                        RES denies read to a group (beats every allow)

    make_access_graph.py OUT [--users 200000] [--groups 20000] [--resources 50000] [--confidential 2000] [--seed 15]
"""

import argparse
import random

parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("--users", type=int, default=200_000)
parser.add_argument("--groups", type=int, default=20_000)
parser.add_argument("--resources", type=int, default=50_000)
parser.add_argument("--confidential", type=int, default=2_000)
parser.add_argument("--layers", type=int, default=6)
parser.add_argument("--seed", type=int, default=15)
args = parser.parse_args()
rng = random.Random(args.seed)

# Layer sizes grow with depth (few broad groups at the top, many team groups below); group 0 is Domain Users.
weights = [1, 4, 10, 20, 30, 35][: args.layers]
total = sum(weights)
sizes = [max(1, (args.groups - 1) * w // total) for w in weights]
sizes[-1] += args.groups - 1 - sum(sizes)
layers, start = [], 1
for size in sizes:
    layers.append(range(start, start + size))
    start += size

with open(args.out, "w") as out:
    w = out.write
    w(f"users {args.users}\ngroups {args.groups}\nresources {args.resources}\n")
    for user in range(args.users):
        if rng.randrange(12) == 0:
            w(f"d {user}\n")
    for user in range(args.users):
        w(f"m 0 {user}\n")
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
            layer = layers[rng.choices(range(len(layers)), weights=weights)[0]]
            w(f"m {rng.choice(layer)} {user}\n")
    parents = {}
    for depth in range(1, len(layers)):
        for group in layers[depth]:
            parents[group] = rng.sample(layers[depth - 1], min(rng.choice((1, 1, 2)), len(layers[depth - 1])))
            for parent in parents[group]:
                w(f"n {parent} {group}\n")
    for _ in range(max(1, args.groups // 1000)):  # cycles: a deep group containing one of its own ancestors
        group = rng.choice(layers[-1])
        ancestor = group
        for _ in range(rng.randrange(1, len(layers))):
            ancestor = rng.choice(parents[ancestor])
        w(f"n {group} {ancestor}\n")
    confidential = set(rng.sample(range(args.resources), args.confidential))
    for resource in sorted(confidential):
        w(f"c {resource}\n")
    for resource in range(args.resources):
        for _ in range(rng.choice((1, 2, 2, 3, 4))):
            kind = rng.random()
            if kind < 0.02:
                w(f"a {resource} g 0\n")
            elif kind < 0.10:
                w(f"a {resource} u {rng.randrange(args.users)}\n")
            elif kind < 0.15:
                w(f"a {resource} g {rng.choice(layers[0])}\n")
            else:
                depth = rng.randrange(1, len(layers))
                w(f"a {resource} g {rng.choice(layers[depth])}\n")
        if resource in confidential and rng.randrange(20) == 0:
            w(f"x {resource} g {rng.choice(layers[-1])}\n")
