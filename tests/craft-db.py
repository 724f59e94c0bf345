#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Crafts a hostile compiled database from a good one, as a forger would:
the change is made, then the size and CRC are recomputed so that only the
validator's own checks stand between the file and the reports.

Usage: craft-db.py IN OUT MODE ARG [OUT MODE ARG]...  (one start, many files)
  long-names LEN   every record's name is one shared string of LEN 'a's
  description TEXT the first record's description becomes TEXT (Python escapes)
  source TEXT      the header's source field becomes TEXT (Python escapes)
  proto-count N    the header's tcp count becomes N
The layout is lib/registry-format.h's struct ps_dbhdr and struct ps_dbrec."""
import struct
import sys
import zlib

HDR = 256
REC = 52
# Offsets of the header's fields used here.
TOTAL, CRC, SOURCE = 16, 20, 40
N_RECORDS, OFF_RECORDS, OFF_STRINGS, STRINGS_SIZE = 104, 120, 144, 148
PROTO_COUNT = 156
# Offsets inside a record.
R_NAME, R_DESCRIPTION = 12, 16


def u32(b, off):
    return struct.unpack_from("<I", b, off)[0]


def add_string(db, data):
    """Moves the strings section to the end with data appended; returns the
    new string's offset inside the section."""
    off, size = u32(db, OFF_STRINGS), u32(db, STRINGS_SIZE)
    strings = bytes(db[off:off + size]) + data + b"\0"
    while len(db) % 4:
        db.append(0)
    struct.pack_into("<II", db, OFF_STRINGS, len(db), len(strings))
    db += strings
    while len(db) % 4:
        db.append(0)
    return size


def craft(good, dst, mode, arg):
    db = bytearray(good)
    recs, n = u32(db, OFF_RECORDS), u32(db, N_RECORDS)
    text = arg.encode("latin-1").decode("unicode_escape").encode("latin-1")
    if mode == "long-names":
        s = add_string(db, b"a" * int(arg))
        for i in range(n):
            struct.pack_into("<I", db, recs + i * REC + R_NAME, s)
    elif mode == "description":
        s = add_string(db, text)
        struct.pack_into("<I", db, recs + R_DESCRIPTION, s)
    elif mode == "source":
        db[SOURCE:SOURCE + 64] = text[:63].ljust(64, b"\0")
    elif mode == "proto-count":
        struct.pack_into("<I", db, PROTO_COUNT + 4, int(arg))
    else:
        sys.exit(f"craft-db.py: unknown mode {mode}")
    struct.pack_into("<I", db, TOTAL, len(db))
    struct.pack_into("<I", db, CRC, zlib.crc32(bytes(db[HDR:])) & 0xFFFFFFFF)
    open(dst, "wb").write(db)


def main():
    good = open(sys.argv[1], "rb").read()
    jobs = sys.argv[2:]
    if not jobs or len(jobs) % 3:
        sys.exit("usage: craft-db.py IN OUT MODE ARG [OUT MODE ARG]...")
    for i in range(0, len(jobs), 3):
        craft(good, *jobs[i:i + 3])

if __name__ == "__main__":
    main()
