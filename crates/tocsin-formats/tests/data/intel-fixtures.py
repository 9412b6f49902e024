#!/usr/bin/env python3
"""Regenerates the encoded copies of the intelligence TXT form example (tests/intel_form.rs).

intel-example.txt is what the emitter writes for the test's example record (UTF-8, LF). The
copies are what analysts' editors write: Big5 (cp950, as older Traditional-Chinese Windows
saves it) with CRLF, and Windows Notepad's "Unicode" (UTF-16LE with a BOM and CRLF). Run
from this folder.
"""

src = open("intel-example.txt", encoding="utf-8").read()
crlf = src.replace("\n", "\r\n")
outputs = {
    "intel-example-big5-crlf.txt": crlf.encode("cp950"),
    "intel-example-utf16le-bom-crlf.txt": b"\xff\xfe" + crlf.encode("utf-16-le"),
}
for name, data in outputs.items():
    with open(name, "wb") as f:
        f.write(data)
