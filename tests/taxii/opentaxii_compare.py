#!/usr/bin/env python3
"""Times one TAXII 2.1 server with the OASIS taxii2-client library (tests/requirements.txt),
the same way against any server: the benchmark `crates/tocsin/examples/taxii_vs_opentaxii.rs`
runs it against tocsin and against OpenTAXII 0.9.3.

Usage: opentaxii_compare.py DISCOVERY_URL USER SECRET TITLE POST_TITLE PAGES LIMIT
           DEEP_ADDED_AFTER REPEAT ENVELOPES TIMEOUT

Finds the collections through discovery, the API root and the collection list (not timed),
then, each request timed from its start to the parsed envelope:

- walks at most PAGES pages of LIMIT objects of TITLE with `as_pages` (the first page,
  then `next`): one `page` line each;
- asks REPEAT times for the first page, for a deep page (`added_after` DEEP_ADDED_AFTER)
  and for a filtered page (`match[type]=indicator`): `first`, `deep` and `filtered` lines;
- posts ENVELOPES envelopes of 100 objects (a report and the 99 indicators it names, ids
  new to the server) to POST_TITLE with `add_objects`: one `post` line each.

A request that takes longer than TIMEOUT seconds ends that part (a `timeout` line). Output,
one line each, for the caller to parse:

    page N OBJECTS SECONDS FIRST_ID LAST_ID
    first|deep|filtered OBJECTS SECONDS FIRST_ID
    post N OBJECTS SECONDS
    timeout WHAT SECONDS
    done

Exits 0 when it printed `done`, 1 on any other error, 2 when taxii2-client is missing.
"""
import json
import sys
import time
import uuid

try:
    import requests
    from taxii2client.v21 import Server, as_pages
except ImportError as e:  # pragma: no cover
    print(f"error: taxii2-client is not installed ({e}); pip install -r tests/requirements.txt")
    sys.exit(2)


def give_up_after(timeout):
    """Every request of this process gives up after `timeout` seconds (taxii2-client sets
    none; patched on the session class, as medallion_compare.py does)."""
    send = requests.Session.request

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", timeout)
        return send(self, method, url, *args, **kwargs)

    requests.Session.request = request


def envelope(salt, k):
    """A report and the 99 indicators it names, all new (ids from `salt` and `k`)."""
    ts = "2026-01-01T00:00:00.000Z"
    objects = []
    for j in range(99):
        n = k * 100 + j
        ip = f"172.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
        objects.append({
            "type": "indicator", "spec_version": "2.1",
            "id": f"indicator--{uuid.uuid5(uuid.NAMESPACE_OID, f'{salt}-{n}')}",
            "created": ts, "modified": ts, "name": f"C2 {ip}",
            "pattern": f"[ipv4-addr:value = '{ip}']", "pattern_type": "stix",
            "valid_from": "2026-01-01T00:00:00Z",
        })
    objects.append({
        "type": "report", "spec_version": "2.1",
        "id": f"report--{uuid.uuid5(uuid.NAMESPACE_URL, f'{salt}-r{k}')}",
        "created": ts, "modified": ts, "name": f"partner report {k}",
        "published": "2026-01-01T00:00:00Z", "description": "C2 addresses",
        "object_refs": [o["id"] for o in objects],
        "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],
    })
    return json.dumps({"objects": objects})


def timed(what, call):
    """Runs `call`; prints a `timeout` line and answers None if it timed out."""
    t = time.perf_counter()
    try:
        value = call()
    except requests.exceptions.Timeout:
        print(f"timeout {what} {time.perf_counter() - t:.6f}", flush=True)
        return None, 0.0
    return value, time.perf_counter() - t


def first_id(env):
    objs = env.get("objects", [])
    return (objs[0]["id"] if objs else "-"), len(objs)


def main(url, user, secret, title, post_title, pages, limit, deep, repeat, envelopes, timeout):
    give_up_after(timeout)
    server = Server(url, user=user, password=secret)
    root = server.api_roots[0]
    by_title = {c.title: c for c in root.collections}
    if title not in by_title or post_title not in by_title:
        print(f"error: no collections {title} and {post_title} among {list(by_title)}")
        return 1
    coll, post = by_title[title], by_title[post_title]

    walk = as_pages(coll.get_objects, per_request=limit)
    for n in range(1, pages + 1):
        env, took = timed(f"page-{n}", lambda: next(walk, None))
        if env is None:
            break
        objs = env.get("objects", [])
        first = objs[0]["id"] if objs else "-"
        last = objs[-1]["id"] if objs else "-"
        print(f"page {n} {len(objs)} {took:.6f} {first} {last}", flush=True)

    for what, kwargs in [
        ("first", {}),
        ("deep", {"added_after": deep}),
        ("filtered", {"type": "indicator"}),
    ]:
        for _ in range(repeat):
            env, took = timed(what, lambda: coll.get_objects(limit=limit, **kwargs))
            if env is None:
                break
            fid, count = first_id(env)
            print(f"{what} {count} {took:.6f} {fid}", flush=True)

    salt = uuid.uuid4()
    for k in range(envelopes):
        body = envelope(salt, k)
        status, took = timed("post", lambda: post.add_objects(body, wait_for_completion=False))
        if status is None:
            break
        if status.success_count != 100:
            print(f"error: a POST stored {status.success_count} of 100 objects: {status.failures}")
            return 1
        print(f"post {k + 1} 100 {took:.6f}", flush=True)
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 12:
        print(__doc__)
        sys.exit(2)
    a = sys.argv
    try:
        sys.exit(main(a[1], a[2], a[3], a[4], a[5], int(a[6]), int(a[7]), a[8], int(a[9]),
                      int(a[10]), float(a[11])))
    except Exception as e:  # any client or server failure, in one line for the caller
        print(f"error: {type(e).__name__}: {e}")
        sys.exit(1)
