#!/usr/bin/env python3
"""OpenTAXII 0.9.3's side of the benchmark `crates/tocsin/examples/taxii_vs_medallion.rs`
(`--opentaxii-pages`): loads the benchmark's objects into OpenTAXII's own SQLite database
and serves it, with the upstream fix of OpenTAXII issue #243 applied at start.

Usage:
    opentaxii_side.py load CONFIG OBJECTS_JSONL USER PASSWORD TITLE POST_TITLE
    opentaxii_side.py serve CONFIG HOST PORT

CONFIG is the OpenTAXII configuration (YAML) the harness wrote into its temp folder, with
both databases there. `load` creates the API root, the collection TITLE holding the
objects of OBJECTS_JSONL (one line each: {"object": …, "date_added": micros, "version":
micros}, stored with exactly those times, as tocsin stores them, so both servers page the
same objects in the same order), an empty collection POST_TITLE for the timed POSTs, and
an administrator account USER (OpenTAXII 0.9.3 compares an account's permissions, keyed by
collection id strings, with the collection's UUID, so only an administrator reads a
private collection). It prints `collection ID` and `post-collection ID`.

`serve` runs OpenTAXII's Flask application in werkzeug's threaded server (debug off).

Issue #243 ("UUID is not JSON serializable when running in taxii2 mode"): 0.9.3 answers the
collection list (and every answer naming a collection or job id) with a 500, because its
`make_taxii2_response` hands the database's UUIDs to `json.dumps`. The upstream fix
(pull request #289) serializes them with an encoder that writes a UUID as its string; the
same encoder is put in place here, in both modules that hold the function, before the
application is built. OpenTAXII itself is not changed.
"""
import datetime
import json
import os
import sys
import uuid


def fix_issue_243():
    """Makes OpenTAXII's TAXII 2 answers write UUIDs as strings (upstream #289)."""
    import opentaxii.server
    import opentaxii.taxii2.http as http
    from flask import make_response

    class UuidJSONEncoder(json.JSONEncoder):
        def default(self, o):
            if isinstance(o, uuid.UUID):
                return str(o)
            return super().default(o)

    def make_taxii2_response(data, status=200, extra_headers=None):
        if not isinstance(data, str):
            data = json.dumps(data, cls=UuidJSONEncoder)
        response = make_response((data, status))
        response.content_type = "application/taxii+json;version=2.1"
        response.headers.update(extra_headers or {})
        return response

    http.make_taxii2_response = make_taxii2_response
    opentaxii.server.make_taxii2_response = make_taxii2_response


def server_of(config_path):
    os.environ["OPENTAXII_CONFIG"] = config_path
    fix_issue_243()
    from opentaxii.config import ServerConfig
    from opentaxii.server import TAXIIServer

    return TAXIIServer(ServerConfig())


def at(micros):
    return datetime.datetime.fromtimestamp(micros / 1_000_000, datetime.timezone.utc)


def load(config_path, objects_path, user, password, title, post_title):
    from opentaxii.auth.sqldb.models import Account
    from opentaxii.persistence.sqldb import taxii2models

    server = server_of(config_path)
    api = server.servers.taxii2.persistence.api
    root = api.add_api_root(title="api", description="benchmark", default=True)
    coll = api.add_collection(api_root_id=root.id, title=title, description="benchmark")
    post = api.add_collection(api_root_id=root.id, title=post_title, description="POST")
    session = api.db.session
    batch = []
    with open(objects_path, encoding="utf-8") as f:
        for line in f:
            item = json.loads(line)
            obj = item["object"]
            batch.append(
                taxii2models.STIXObject(
                    id=obj["id"],
                    collection_id=coll.id,
                    type=obj["type"],
                    spec_version=obj.get("spec_version", "2.1"),
                    date_added=at(item["date_added"]),
                    version=at(item["version"]),
                    serialized_data={
                        k: v for k, v in obj.items() if k not in ("id", "type", "spec_version")
                    },
                )
            )
            if len(batch) >= 5000:
                session.add_all(batch)
                session.commit()
                batch = []
    session.add_all(batch)
    session.commit()
    auth = server.auth.api
    account = Account(username=user, is_admin=True, permissions={})
    account.set_password(password)
    auth.db.session.add(account)
    auth.db.session.commit()
    print(f"collection {coll.id}")
    print(f"post-collection {post.id}")
    return 0


def serve(config_path, host, port):
    from werkzeug.serving import run_simple

    os.environ["OPENTAXII_CONFIG"] = config_path
    fix_issue_243()
    from opentaxii.cli import app  # built from OPENTAXII_CONFIG, after the fix

    app.debug = False
    run_simple(host, int(port), app, threaded=True, use_reloader=False)
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) == 7 and args[0] == "load":
        sys.exit(load(*args[1:]))
    if len(args) == 4 and args[0] == "serve":
        sys.exit(serve(*args[1:]))
    print(__doc__)
    sys.exit(2)
