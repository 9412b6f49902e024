#!/usr/bin/env python3
"""Times paging through one TAXII 2.1 collection with the OASIS taxii2-client library
(tests/requirements.txt), the same way against any server: the benchmark
`crates/tocsin/examples/taxii_vs_medallion.rs` runs it against tocsin and against
medallion, the OASIS reference server.

Usage: medallion_compare.py DISCOVERY_URL USER SECRET COLLECTION_TITLE PAGES LIMIT TIMEOUT

Finds the collection through discovery, the API root and the collection list (not timed),
then walks at most PAGES pages of LIMIT objects with `as_pages` (the library's own paging:
the first page, then `next`), timing each page from the request to the parsed envelope.
A page that takes longer than TIMEOUT seconds ends the walk: what was measured so far is
still printed. Output, one line each, for the caller to parse:

    page N OBJECTS SECONDS FIRST_ID LAST_ID
    timeout N SECONDS      (page N did not answer within the timeout)
    done PAGES OBJECTS SECONDS

Exits 0 when it printed `done` (even after a timeout), 1 on any other error, 2 when
taxii2-client is not installed.
"""
import sys
import time

try:
    import requests
    from taxii2client.v21 import Server, as_pages
except ImportError as e:  # pragma: no cover
    print(f"error: taxii2-client is not installed ({e}); pip install -r tests/requirements.txt")
    sys.exit(2)


def give_up_after(timeout):
    """Makes every request of this process give up after `timeout` seconds: taxii2-client
    sets no timeout of its own, and a slow server must end the walk cleanly. (Patched on
    the session class: the library builds the API roots' connections itself.)"""
    send = requests.Session.request

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", timeout)
        return send(self, method, url, *args, **kwargs)

    requests.Session.request = request


def main(url, user, secret, title, pages, limit, timeout):
    give_up_after(timeout)
    server = Server(url, user=user, password=secret)
    root = server.api_roots[0]
    matching = [c for c in root.collections if c.title == title]
    if not matching:
        print(f"error: no collection titled {title} among {[c.title for c in root.collections]}")
        return 1
    coll = matching[0]

    walked, objects, total = 0, 0, 0.0
    walk = as_pages(coll.get_objects, per_request=limit)
    while walked < pages:
        t = time.perf_counter()
        try:
            envelope = next(walk)
        except StopIteration:
            break
        except requests.exceptions.Timeout:
            print(f"timeout {walked + 1} {time.perf_counter() - t:.6f}", flush=True)
            break
        took = time.perf_counter() - t
        objs = envelope.get("objects", [])
        walked += 1
        objects += len(objs)
        total += took
        first = objs[0]["id"] if objs else "-"
        last = objs[-1]["id"] if objs else "-"
        print(f"page {walked} {len(objs)} {took:.6f} {first} {last}", flush=True)
    print(f"done {walked} {objects} {total:.6f}", flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 8:
        print(__doc__)
        sys.exit(2)
    try:
        sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4],
                      int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])))
    except Exception as e:  # any client or server failure, in one line for the caller
        print(f"error: {type(e).__name__}: {e}")
        sys.exit(1)
