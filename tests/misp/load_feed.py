"""Loads a MISP feed folder the way a subscribing MISP instance reads it, with PyMISP.

Usage: python3 tests/misp/load_feed.py DIR

DIR holds manifest.json, hashes.csv and one <uuid>.json event a record. Every event of
the manifest must load as a pymisp.MISPEvent with the same uuid, info and tags as its
manifest entry; every attribute's type must be one MISP knows, allowed in its category
(PyMISP's describeTypes); every hashes.csv line must name an event of the manifest and hash
one of its attribute values, and every attribute value must be hashed (as PyMISP's feed
generator does). Prints `events=N attributes=M hashes=K`, then one line
`ids TYPE VALUE` per attribute marked for detection, and exits 0, or prints what is wrong
and exits 1. Run by crates/tocsin-server/tests/it/feeds_api.rs.
"""

import csv
import hashlib
import json
import os
import sys

from pymisp import MISPAttribute, MISPEvent


def main(folder: str) -> int:
    with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    problems = []
    values = {}
    attributes = 0
    ids = []
    describe = MISPAttribute().describe_types
    known_types = set(describe["types"])
    by_category = describe["category_type_mappings"]
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
            if a.type not in known_types:
                problems.append(f"{uuid}: {a.type!r} is no MISP attribute type")
            elif a.type not in by_category.get(a.category, []):
                problems.append(f"{uuid}: {a.type!r} is not allowed in category {a.category!r}")
            if a.to_ids:
                ids.append(f"ids {a.type} {a.value}")
        values[uuid] = {hashlib.md5(str(a.value).encode()).hexdigest() for a in event.attributes}
    hashes = 0
    hashed = {u: set() for u in values}
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
            else:
                hashed[uuid].add(digest)
    for uuid, digests in values.items():
        missing = digests - hashed[uuid]
        if missing:
            problems.append(f"hashes.csv misses {len(missing)} of {len(digests)} values of {uuid}")
    for p in problems:
        print(p)
    print(f"events={len(manifest)} attributes={attributes} hashes={hashes}")
    for line in ids:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
