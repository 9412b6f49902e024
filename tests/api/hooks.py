"""Schemathesis hooks for tocsin's API (loaded through SCHEMATHESIS_HOOKS by schemathesis.sh).

The NDJSON stream of IOC matching (`POST /api/v1/match/stream`) takes its body as lines of
text; schemathesis has no serializer for `application/x-ndjson`, so a generated body is sent
as it is when it is text, and as one JSON document a line otherwise.
"""

import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    items = value if isinstance(value, list) else [value]
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items).encode(
        "utf-8", "surrogatepass"
    )
