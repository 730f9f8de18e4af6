"""Presidio's UK NHS pattern recogniser (presidio-analyzer's NhsRecognizer: regex + checksum, no NLP model, which
cannot be downloaded offline) over every text file under a folder. Writes JSON: seconds spent analysing (files
already in memory), bytes, and the (file, line) of every match."""
import bisect
import json
import os
import sys
import time

from presidio_analyzer.predefined_recognizers import NhsRecognizer

TEXT = (".csv", ".txt", ".log", ".json", ".xml", ".tsv")


def main(root: str, output: str) -> None:
    documents = []
    for folder, _, names in os.walk(root):
        for name in sorted(names):
            if name.endswith(TEXT):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8", errors="replace") as handle:
                    documents.append((os.path.relpath(path, root), handle.read()))
    recognizer = NhsRecognizer()
    matches = []
    started = time.perf_counter()
    for relative, text in documents:
        found = recognizer.analyze(text, entities=["UK_NHS"], nlp_artifacts=None)
        if found:
            ends = [index for index, character in enumerate(text) if character == "\n"]
            for result in found:
                matches.append([relative, bisect.bisect_left(ends, result.start) + 1])
    seconds = time.perf_counter() - started
    size = sum(len(text.encode("utf-8")) for _, text in documents)
    with open(output, "w") as out:
        json.dump({"seconds": seconds, "bytes": size, "files": len(documents), "matches": matches}, out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
