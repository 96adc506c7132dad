#!/usr/bin/env python3
# Owns: the exec-config file generator of tests/bench/ (copied from the shared bench tools).
"""Generate an exec-config JSON file {"RegionId": ..., "Execs": [...]} with N entries, and a JSON schema.

usage: gen_execs.py N OUT.json [--invalid K] [--schema OUT_SCHEMA.json]
--invalid K makes every (N//K)-th entry break one rule (Sync+TTY both true,
or a Command item longer than 256 chars, or >20 Command items), so that the
server has something to report.
"""
import argparse, json, random

SCHEMA = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$id": "https://example.invalid/eci-exec-config.schema.json",
    "title": "ECI exec config",
    "type": "object",
    "required": ["Execs"],
    "additionalProperties": False,
    "properties": {
        "RegionId": {"type": "string", "description": "Default region of every entry."},
        "Execs": {"type": "array", "items": {"$ref": "#/definitions/exec"}}
    },
    "definitions": {
        "exec": {
            "type": "object",
            "required": ["ContainerGroupId", "ContainerName", "Command"],
            "additionalProperties": False,
            "properties": {
                "ContainerGroupId": {"type": "string", "pattern": "^eci-[a-z0-9]{8,}$",
                                     "description": "ID of the ECI container group (instance)."},
                "ContainerName": {"type": "string", "minLength": 1, "maxLength": 128,
                                  "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
                                  "description": "Name of the container inside the group."},
                "Command": {"type": "array", "minItems": 1, "maxItems": 20,
                            "items": {"type": "string", "maxLength": 256},
                            "description": "Command and arguments, as a JSON array of strings."},
                "Sync": {"type": "boolean", "default": False,
                         "description": "Run synchronously and return the output."},
                "TTY": {"type": "boolean", "default": False,
                        "description": "Allocate a TTY (interactive)."}
            },
            "if": {"properties": {"Sync": {"const": True}}, "required": ["Sync"]},
            "then": {"properties": {"TTY": {"const": False}}}
        }
    }
}

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--invalid", type=int, default=0)
    ap.add_argument("--schema")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--region", default="cn-hangzhou", help="top-level default RegionId")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    execs = []
    bad_every = (a.n // a.invalid) if a.invalid else 0
    for i in range(a.n):
        e = {"ContainerGroupId": "eci-" + "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8)),
             "ContainerName": "nginx",
             "Command": ["/bin/sh", "-c", "ls -a"],
             "Sync": True, "TTY": False}
        if bad_every and i % bad_every == bad_every - 1:
            kind = (i // bad_every) % 3
            if kind == 0:
                e["TTY"] = True                     # Sync and TTY both true
            elif kind == 1:
                e["Command"] = ["/bin/sh", "-c", "x" * 300]   # item too long
            else:
                e["Command"] = ["echo"] + [str(k) for k in range(25)]  # too many items
        execs.append(e)
    with open(a.out, "w") as f:
        json.dump({"RegionId": a.region, "Execs": execs}, f, indent=2)
        f.write("\n")
    if a.schema:
        with open(a.schema, "w") as f:
            json.dump(SCHEMA, f, indent=2)
            f.write("\n")

if __name__ == "__main__":
    main()
