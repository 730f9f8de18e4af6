"""Scores detections of 10-digit health numbers (NHS, CHI, H&C; test-range numbers are not patients) against the
labels `vigil generate-share --labels` wrote, by (file, line). Reads Presidio's output (presidio_nhs.py) or Vigil's
(`vigil scan --locations`); prints precision and recall as JSON."""
import collections
import json
import sys

HEALTH = {"nhs-number", "chi-number", "hc-number"}


def labels(path: str) -> collections.Counter:
    wanted = collections.Counter()
    with open(path) as lines:
        for line in lines:
            label = json.loads(line)
            if label["kind"] in HEALTH and not label.get("isTestData") and "line" in label["location"]:
                wanted[(label["file"], label["location"]["line"])] += 1
    return wanted


def detections(path: str) -> collections.Counter:
    found = collections.Counter()
    with open(path) as source:
        if path.endswith(".json"):
            for file, line in json.load(source)["matches"]:
                found[(file, line)] += 1
        else:
            for line in source:
                entry = json.loads(line)
                if entry["kind"] in HEALTH and not entry.get("isTestData") and "line" in entry["location"]:
                    found[(entry["file"], entry["location"]["line"])] += 1
    return found


def main(label_path: str, detection_path: str) -> None:
    wanted = labels(label_path)
    found = detections(detection_path)
    true = sum((wanted & found).values())
    false = sum((found - wanted).values())
    missed = sum((wanted - found).values())
    print(json.dumps({
        "truePositives": true, "falsePositives": false, "falseNegatives": missed,
        "precision": round(true / (true + false), 4) if true + false else 1.0,
        "recall": round(true / (true + missed), 4) if true + missed else 1.0,
    }))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
