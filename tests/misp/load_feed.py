"""Loads a MISP feed folder the way a subscribing MISP instance reads it, with PyMISP.

Usage: python3 tests/misp/load_feed.py DIR

DIR holds manifest.json, hashes.csv and one <uuid>.json event a record. Every event of
the manifest must load as a pymisp.MISPEvent with the same uuid, info and tags as its
manifest entry; every hashes.csv line must name an event of the manifest and hash one of
its attribute values. Prints one line `events=N attributes=M hashes=K` and exits 0, or
prints what is wrong and exits 1. Run by crates/tocsin-server/tests/it/feeds_api.rs.
"""

import csv
import hashlib
import json
import os
import sys

from pymisp import MISPEvent


def main(folder: str) -> int:
    with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    problems = []
    values = {}
    attributes = 0
    for uuid, entry in manifest.items():
        event = MISPEvent()
        event.load_file(os.path.join(folder, f"{uuid}.json"))
        if event.uuid != uuid:
            problems.append(f"{uuid}: loaded as {event.uuid}")
        if event.info != entry["info"]:
            problems.append(f"{uuid}: info {event.info!r} != {entry['info']!r}")
        tags = sorted(t.name for t in event.tags)
        want = sorted(t["name"] for t in entry["Tag"])
        if tags != want:
            problems.append(f"{uuid}: tags {tags} != {want}")
        if not any(t.startswith("tlp:") for t in tags):
            problems.append(f"{uuid}: no TLP tag")
        for a in event.attributes:
            attributes += 1
            if not a.uuid or not a.type:
                problems.append(f"{uuid}: attribute without uuid or type")
        values[uuid] = {hashlib.md5(str(a.value).encode()).hexdigest() for a in event.attributes}
    hashes = 0
    with open(os.path.join(folder, "hashes.csv"), encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            if not row:
                continue
            hashes += 1
            digest, uuid = row
            if uuid not in values:
                problems.append(f"hashes.csv names {uuid}, not in the manifest")
            elif digest not in values[uuid]:
                problems.append(f"hashes.csv: {digest} is no value of {uuid}")
    for p in problems:
        print(p)
    print(f"events={len(manifest)} attributes={attributes} hashes={hashes}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
