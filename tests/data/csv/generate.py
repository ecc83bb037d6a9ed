#!/usr/bin/env python3
"""Writes the CSV loader's test fixtures. Every value is invented: no real data.

Run from this folder: python3 generate.py. The bytes matter (encodings, line endings), so the
folder's .gitattributes stops git from converting them.
"""

HEADER = ["Ref", "Name", "Town", "Amount"]
ROWS = [
    ["A1", "René Dubois", "Orléans", "£12.50"],
    ["A2", "Zoë O’Hara", "Bridgend", "€3"],
]


def lines(delim, rows=None, eol="\n"):
    return eol.join(delim.join(r) for r in [HEADER] + (rows or ROWS)) + eol


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


text = lines(",")
write("utf8.csv", text.encode("utf-8"))
write("utf8_bom.csv", b"\xef\xbb\xbf" + lines(",", eol="\r\n").encode("utf-8"))
# Excel's "Unicode text": UTF-16LE with a BOM, tab-separated, CRLF.
write("utf16le_bom.txt", b"\xff\xfe" + lines("\t", eol="\r\n").encode("utf-16-le"))
write("utf16be_bom.csv", b"\xfe\xff" + lines(",").encode("utf-16-be"))
write("windows1252.csv", lines(",", eol="\r\n").encode("cp1252"))

write("semicolon.csv", lines(";").encode("utf-8"))
write("tab.tsv", lines("\t").encode("utf-8"))
write("pipe.txt", lines("|").encode("utf-8"))

# Quoted fields holding delimiters, quotes and line breaks, CRLF throughout. Records start on
# lines 2, 3, 6 and 7.
write(
    "quoted_crlf.csv",
    b"Ref,Note,Count\r\n"
    b'B1,"Smith, J",1\r\n'
    b'B2,"line one\r\nline two\r\nsaid ""hi""",2\r\n'
    b'B3,"semi;colon|pipe\ttab",3\r\n'
    b'B4,"",4\r\n',
)

# Two title lines and a blank line above the header on row 4.
write(
    "title_lines.csv",
    b"Custody records export\n"
    b"Generated 01/02/2024 by SYSTEM\n"
    b"\n"
    b"Ref,Name,Town\n"
    b"C1,Ann Example,Leeds\n"
    b"\n"
    b"C2,Bob Example,York\n",
)

# Exports that end every line with delimiters: extra empty fields are dropped.
write(
    "trailing_empty.csv",
    b"Ref,Name,Town,,\n"
    b"D1,Ann Example,Leeds,,\n"
    b"D2,Bob Example,York,\n"
    b"D3,Cy Example,Hull,,,,\n",
)

write(
    "ragged.csv",
    b"Ref,Name,Town\n"
    b"E1,Ann Example,Leeds\n"
    b"E2,Bob Example,York,SECRET-EXTRA\n",
)
write("ragged_short.csv", b"Ref,Name,Town\nE1,Ann Example,Leeds\nE2,Bob Example\n")
write("duplicate_header.csv", b"Ref, Name ,Town,NAME\nF1,a,b,c\n")
write("blank_header.csv", b"Ref,,Town\nG1,a,b\n")
# The quote opened on line 3 is never closed; the record still has 3 fields.
write("unclosed_quote.csv", b"Ref,Name,Town\nH1,Ann,Leeds\nH2,Bob,\"York\nExample,Hull\n")
write("header_only.csv", b"Ref,Name,Town\r\n")
write("empty.csv", b"")
write("blank_lines_only.csv", b"\r\n\r\n\n")
write("nul.csv", b"Ref,Name\nJ1,An\x00n\n")
# Valid UTF-8 "é" on line 2, a Windows-1252 "é" (0xE9) on line 3.
write("mixed_encoding.csv", "Ref,Name\nK1,Renée\n".encode("utf-8") + "K2,Renée\n".encode("cp1252"))
write("utf16le_no_bom.csv", lines(",").encode("utf-16-le"))
# Not UTF-8, and 0x81 is undefined in Windows-1252.
write("undefined_1252.csv", b"Ref,Name\nL1,Caf\xe9\nL2,X\x81Y\n")
# Classic Mac line endings: CR only.
write("cr_only.csv", b"Ref,Name\rM1,Ann\r\rM2,Bob\r")
# An old .xls (OLE compound file) renamed to .csv.
write("renamed_xls.csv", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
# Both comma and semicolon give two columns everywhere.
write("ambiguous.csv", b"a,b;c\n1,2;3\n4,5;6\n")
