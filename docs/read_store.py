#!/usr/bin/env python3
"""Reads a `survey` store folder (format 2, docs/STORE.md) without `survey`: the proof that the format is
documented well enough for a third party to write a reader from the document alone.

    python3 docs/read_store.py survey-data/preschool-staff-survey            # current responses, JSON Lines
    python3 docs/read_store.py survey-data/preschool-staff-survey --history  # every record, superseded too

Each line: {"respondent", "stage", "values": {item: number}, "texts": {item: text}, "attributes": {key: text},
"current": bool}. Standard library only.
"""
import json, struct, sys


def read_store(folder, history=False):
    with open(f"{folder}/index.jsonl", "rb") as f:
        lines = f.read().split(b"\n")
    # A last line without a newline is a write cut short: not committed (split leaves it as the last item).
    header = json.loads(lines[0])
    if header.get("store") != 2:
        raise SystemExit(f"{folder}: store format {header.get('store')}, this reader knows 2")
    batches = [json.loads(line) for line in lines[1:-1] if line.strip()]
    superseded = {offset for batch in batches for offset in batch.get("superseded", [])}
    with open(f"{folder}/responses.bin", "rb") as f:
        log = f.read()
    if log[:8] != b"SVSTORE2":
        raise SystemExit(f"{folder}/responses.bin: not a format-2 log")
    for batch in batches:
        columns, values, keys = batch["columns"], batch["values"], batch.get("keys", [])
        at, end = batch["offset"], batch["offset"] + batch["length"]
        while at < end:
            offset = at
            (length,) = struct.unpack_from("<I", log, at)
            body = log[at + 4:at + 4 + length]
            at += 4 + length
            flags, n = body[0], struct.unpack_from("<H", body, 1)[0]
            codes = body[3:3 + n]
            cursor = 3 + n
            record = {"respondent": None, "stage": None, "values": {}, "texts": {}, "attributes": {},
                      "current": offset not in superseded}
            for column, code in enumerate(codes):
                if code == 0:
                    continue
                if code == 255:  # escaped: the exact double follows, in column order
                    (value,) = struct.unpack_from("<d", body, cursor)
                    cursor += 8
                else:
                    value = values[column][code - 1]
                record["values"][columns[column]] = value

            def text(size):
                nonlocal cursor
                (count,) = struct.unpack_from("<" + size, body, cursor)
                cursor += struct.calcsize(size)
                value = body[cursor:cursor + count].decode("utf-8")
                cursor += count
                return value

            def u16():
                nonlocal cursor
                (value,) = struct.unpack_from("<H", body, cursor)
                cursor += 2
                return value

            if flags & 1:
                record["respondent"] = text("I")
            if flags & 2:
                record["stage"] = text("H")
            if flags & 4:
                for _ in range(u16()):
                    column = u16()
                    record["texts"][columns[column]] = text("I")
            if flags & 8:
                for _ in range(u16()):
                    key = u16()
                    record["attributes"][keys[key]] = text("I")
            if history or record["current"]:
                yield record


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    for record in read_store(sys.argv[1], history="--history" in sys.argv[2:]):
        print(json.dumps(record, ensure_ascii=False))
