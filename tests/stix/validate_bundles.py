#!/usr/bin/env python3
"""Checks STIX 2.1 bundles with the OASIS stix2-validator (tests/requirements.txt).

Usage: validate_bundles.py FILE...

Prints every error and warning of every file; exits 0 when no file has an error, 1 when
one has, and 2 when the validator is not installed (the Rust test that calls this then
fails: a missing tool is a failure, not a skip).
"""
import sys

try:
    from stix2validator import ValidationOptions, validate_file
except ImportError as e:  # pragma: no cover
    print(f"error: stix2-validator is not installed ({e}); pip install -r tests/requirements.txt")
    sys.exit(2)


def main(paths):
    # enforce_refs: every id an object refers to must be in the bundle.
    options = ValidationOptions(version="2.1", enforce_refs=True)
    failed = 0
    for path in paths:
        result = validate_file(path, options)
        for obj in result.object_results:
            for w in obj.warnings or []:
                print(f"{path}: warning: {obj.object_id}: {getattr(w, 'message', w)}")
            for e in obj.errors or []:
                print(f"{path}: error: {obj.object_id}: {getattr(e, 'message', e)}")
        fatal = getattr(result, "fatal", None)
        if fatal:
            print(f"{path}: fatal: {getattr(fatal, 'message', fatal)}")
        if not result.is_valid:
            failed += 1
            print(f"{path}: INVALID")
        else:
            print(f"{path}: valid")
    print(f"{len(paths) - failed} valid, {failed} invalid")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
