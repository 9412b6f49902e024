#!/usr/bin/env python3
"""Imports STIX 2.1 bundles into MISP events with misp-stix, MISP's own converter
(tests/requirements.txt), the way a MISP instance reads a partner's bundle.

Usage: misp_stix_import.py FILE...

For each file prints `FILE: events=N attributes=M`, then one line `FILE: ids TYPE VALUE`
per attribute MISP would use for detection (to_ids), and every error the converter
reports. Exits 0 when every bundle converts without error, 1 when one does not, and 2
when misp-stix is not installed (the Rust test that calls this then fails: a missing tool
is a failure, not a skip).
"""
import json
import sys

try:
    from misp_stix_converter import ExternalSTIX2toMISPParser
    from stix2.parsing import parse
except ImportError as e:  # pragma: no cover
    print(f"error: misp-stix is not installed ({e}); pip install -r tests/requirements.txt")
    sys.exit(2)


def attributes(event):
    yield from event.attributes
    for obj in event.objects:
        yield from obj.attributes


def main(paths):
    failed = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            bundle = parse(json.load(f), allow_custom=True, interoperability=True)
        parser = ExternalSTIX2toMISPParser()
        try:
            parser.load_stix_bundle(bundle)
            parser.parse_stix_bundle()
        except Exception as e:  # the converter's own failure, reported as such
            print(f"{path}: error: {type(e).__name__}: {e}")
            failed += 1
            continue
        events = parser.misp_events if isinstance(parser.misp_events, list) else [parser.misp_event]
        count = 0
        for event in events:
            for a in attributes(event):
                count += 1
                if a.to_ids:
                    print(f"{path}: ids {a.type} {a.value}")
        errors = getattr(parser, "errors", None) or {}
        for key, messages in (errors.items() if isinstance(errors, dict) else enumerate(errors)):
            for m in (messages if isinstance(messages, (list, set, tuple)) else [messages]):
                print(f"{path}: error: {key}: {m}")
                failed += 1
        print(f"{path}: events={len(events)} attributes={count}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
