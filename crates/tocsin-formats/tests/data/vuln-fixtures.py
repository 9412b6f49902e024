#!/usr/bin/env python3
"""Regenerates the encoded copies of the seed's vulnerability form (tests/vuln_form.rs).

vuln-seed-example.txt is lines 118-165 of the seed document, verbatim (UTF-8, LF). The
copies are what reporters' editors write: UTF-8 with a BOM, Windows Notepad's "Unicode"
(UTF-16LE with a BOM and CRLF), BOM-less UTF-16LE and UTF-16BE, and Big5 (cp950, as older
Traditional-Chinese Windows saves it) with CRLF. Run from this folder.
"""

src = open("vuln-seed-example.txt", encoding="utf-8").read()
crlf = src.replace("\n", "\r\n")
outputs = {
    "vuln-seed-utf8-bom.txt": b"\xef\xbb\xbf" + src.encode("utf-8"),
    "vuln-seed-utf16le-bom-crlf.txt": b"\xff\xfe" + crlf.encode("utf-16-le"),
    "vuln-seed-utf16le-nobom.txt": crlf.encode("utf-16-le"),
    "vuln-seed-utf16be-nobom.txt": src.encode("utf-16-be"),
    "vuln-seed-big5-crlf.txt": crlf.encode("cp950"),
}
for name, data in outputs.items():
    with open(name, "wb") as f:
        f.write(data)
