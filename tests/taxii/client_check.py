#!/usr/bin/env python3
"""Drives a running tocsin TAXII 2.1 server with the OASIS taxii2-client library and the
OASIS stix2 library's TAXIICollectionSource (tests/requirements.txt), as a partner's
tooling would.

Usage: client_check.py DISCOVERY_URL USER SECRET COLLECTION_TITLE EXPECTED_OBJECTS BUNDLE_FILE

Lists the API roots and collections, pages through every object at limit=100 and checks
the count and that no id repeats, filters by type and by added_after, reads objects and
their versions through stix2's data source, and posts a bundle twice, waiting for its
status: the second post is a success that adds nothing. Prints what it did; exits 0 when
every check held, 1 when one failed, 2 when a library is not installed (the Rust test
that runs this then fails: a missing tool is a failure, not a skip).
"""
import json
import sys

try:
    from stix2 import Filter, TAXIICollectionSource
    from taxii2client.v21 import Server, as_pages
except ImportError as e:  # pragma: no cover
    print(f"error: taxii2-client or stix2 is not installed ({e}); pip install -r tests/requirements.txt")
    sys.exit(2)


def check(cond, what):
    if not cond:
        print(f"FAILED: {what}")
        sys.exit(1)
    print(f"ok: {what}")


def main(url, user, secret, title, expected, bundle_file):
    server = Server(url, user=user, password=secret)
    check(len(server.api_roots) == 1, f"one API root ({server.title})")
    root = server.api_roots[0]
    titles = [c.title for c in root.collections]
    check(title in titles, f"collection {title} listed among {titles}")
    coll = next(c for c in root.collections if c.title == title)
    check(coll.can_read and coll.can_write, "readable and writable")

    seen, pages, dates = [], 0, []
    for envelope in as_pages(coll.get_objects, per_request=100):
        pages += 1
        objs = envelope.get("objects", [])
        if len(objs) > 100:
            check(False, f"page {pages}: {len(objs)} objects at limit=100")
        seen.extend(o["id"] for o in objs)
    check(len(seen) == expected, f"{len(seen)} objects in {pages} pages, expected {expected}")
    check(len(set(seen)) == len(seen), "no object twice")
    check(pages >= expected // 100, f"{pages} pages at limit=100")

    sco = [o for env in as_pages(coll.get_objects, per_request=100, type="ipv4-addr") for o in env.get("objects", [])]
    check(len(sco) > 0 and all(o["type"] == "ipv4-addr" for o in sco), f"match[type]=ipv4-addr: {len(sco)} objects")

    manifest = coll.get_manifest(limit=5)
    check(len(manifest.get("objects", [])) == 5, "a manifest page of 5")
    first = coll.get_objects(limit=1000)
    last_added = first.get("objects") and coll.get_manifest(limit=1000)["objects"][-1]["date_added"]
    later = [o for env in as_pages(coll.get_objects, per_request=100, added_after=last_added) for o in env.get("objects", [])]
    check(len(later) == expected - 1000, f"added_after {last_added}: {len(later)} objects")

    # stix2's data source over the same collection: a query pages through every match,
    # an object has one version, and get answers it.
    source = TAXIICollectionSource(coll, allow_custom=True)
    addresses = source.query([Filter("type", "=", "ipv4-addr")])
    check(len(addresses) == len(sco) and len({a.id for a in addresses}) == len(addresses),
          f"stix2 TAXIICollectionSource: {len(addresses)} ipv4-addr objects, each once")
    one = addresses[0].id
    check(source.get(one) is not None and len(source.all_versions(one)) == 1,
          f"stix2 TAXIICollectionSource: {one} has one version")

    with open(bundle_file, encoding="utf-8") as f:
        bundle = json.load(f)
    envelope = json.dumps({"objects": bundle["objects"]})
    status = coll.add_objects(envelope)
    check(status.status == "complete", f"post: status {status.status}")
    check(status.success_count == len(bundle["objects"]) and status.failure_count == 0,
          f"post: {status.success_count} successes, {status.failure_count} failures")
    status.refresh()
    check(status.status == "complete", "status resource read back")
    posted = coll.get_object(bundle["objects"][2]["id"])
    check(len(posted.get("objects", [])) == 1, "the posted report is in the collection for its poster")
    count = sum(len(env.get("objects", [])) for env in as_pages(coll.get_manifest, per_request=1000))
    again = coll.add_objects(envelope)
    check(again.status == "complete" and again.success_count == status.success_count and again.failure_count == 0,
          f"post again: {again.success_count} successes, {again.failure_count} failures")
    recount = sum(len(env.get("objects", [])) for env in as_pages(coll.get_manifest, per_request=1000))
    check(recount == count, f"post again: the manifest still lists {recount} objects")
    versions = source.all_versions(bundle["objects"][2]["id"])
    check(len(versions) == 1, "stix2 TAXIICollectionSource: the posted report once")
    print("all checks passed")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 7:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]))
