"""kubernetes-validate's verdict on many objects at once, for shipshape's agreement test
(crates/shipshape/tests/oracle.rs).

Why not the kubernetes-validate command: it reads and parses its ~5 MB schema files again
for every object, so thousands of objects take minutes. This calls the same function the
command calls (kubernetes_validate.utils.validate, strict) with the schema files read
once: same schemas, same validator, same verdicts.

Input: one JSON object per line on standard input. Output: one JSON line per object:
{"verdict": "valid" | "invalid" | "no-schema", "message": "..."}.
Usage: .venv-oracles/bin/python scripts/oracles/kv_verdicts.py 1.37 < objects.jsonl
"""

import functools
import json
import sys

import kubernetes_validate.utils as kv

# validate() looks schema_contents up in the module on every call: cache it there.
kv.schema_contents = functools.lru_cache(maxsize=None)(kv.schema_contents)


def verdict(obj, version):
    try:
        kv.validate(obj, version, strict=True)
        return {"verdict": "valid", "message": ""}
    except kv.ValidationError as e:
        path = ".".join(str(p) for p in e.path)
        return {"verdict": "invalid", "message": f"{path}: {e.message}"}
    except kv.SchemaNotFoundError as e:
        return {"verdict": "no-schema", "message": e.message}


def main():
    version = sys.argv[1]
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(verdict(json.loads(line), version)), flush=False)


if __name__ == "__main__":
    main()
