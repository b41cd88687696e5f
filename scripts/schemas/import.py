#!/usr/bin/env python3
"""Build schemas/kubernetes/v1.NN.json.gz from the strict JSON schemas that the pinned
kubernetes-validate wheel ships, so `shipshape validate` needs no network at run time.

Why a script: the wheel holds ~5 MB of JSON per Kubernetes version, mostly descriptions.
shipshape embeds only what validation needs: every definition reachable from a built-in
kind, pruned to the keywords the validator reads (type, nullable, properties, required,
additionalProperties, items, enum, format, $ref), with the constraints the API server
checks in code but the OpenAPI document does not carry (enums, ports, names, labels)
merged in from schemas/kubernetes/overlay.yaml. Output is deterministic (sorted keys,
gzip without a timestamp), so re-running it on the same wheel changes nothing.

Usage, from the repository root, after scripts/oracles/install.sh:
    .venv-oracles/bin/python scripts/schemas/import.py          # rewrite the files
    .venv-oracles/bin/python scripts/schemas/import.py --check  # exit 1 if stale
"""

import argparse
import gzip
import io
import json
import pathlib
import sys

import yaml
import kubernetes_validate
from kubernetes_validate.version import __version__ as KV_VERSION

VERSIONS = ["1.33", "1.34", "1.35", "1.36", "1.37"]
ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "schemas" / "kubernetes"
WHEEL = pathlib.Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"

# Definitions that become a format instead of a $ref: the engine knows their grammar.
AS_FORMAT = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "int-or-string",
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "quantity",
}
# The only formats the validator checks; OpenAPI's others (date-time, double) are hints.
KEPT_FORMATS = {"int32", "int64", "byte"}


def ref_name(ref):
    return ref.rsplit("/", 1)[-1]


def prune(schema):
    """The validator's subset of one schema, with nullability as a flag."""
    if isinstance(schema.get("$ref"), str):
        name = ref_name(schema["$ref"])
        if name in AS_FORMAT:
            return {"format": AS_FORMAT[name], "nullable": True}
        return {"$ref": name}
    out = {}
    types = schema.get("type")
    if isinstance(types, list):
        if "null" in types:
            out["nullable"] = True
        types = [t for t in types if t != "null"]
        types = types[0] if len(types) == 1 else types
    if types:
        out["type"] = types
    if schema.get("format") in KEPT_FORMATS:
        out["format"] = schema["format"]
    for key in ("enum", "required"):
        if key in schema:
            out[key] = schema[key]
    if "properties" in schema:
        out["properties"] = {k: prune(v) for k, v in schema["properties"].items()}
    if "items" in schema:
        out["items"] = prune(schema["items"])
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        out["additionalProperties"] = prune(extra)
    elif extra is False:
        out["additionalProperties"] = False
    return out


def kinds_of(definitions):
    """apiVersion -> kind -> definition, for every definition that is a kind of its own
    group version (meta types such as DeleteOptions list every group; they are skipped
    where the definition does not live in that version)."""
    kinds = {}
    for name, schema in definitions.items():
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            if not name.endswith(f".{gvk['version']}.{gvk['kind']}"):
                continue
            if gvk["kind"].endswith("List"):
                continue  # lists are unpacked into their items before validation
            api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            kinds.setdefault(api_version, {})[gvk["kind"]] = name
    return kinds


def reachable(definitions, roots):
    seen, todo = set(), list(roots)
    while todo:
        name = todo.pop()
        if name in seen or name in AS_FORMAT:
            continue
        seen.add(name)
        stack = [definitions[name]]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if isinstance(node.get("$ref"), str):
                    todo.append(ref_name(node["$ref"]))
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    return seen


def apply_overlay(definitions, overlay, version):
    """Merges the overlay's constraints into the pruned definitions. A definition the
    overlay names must exist in every version, so the table cannot silently rot."""
    for name, fields in overlay.items():
        if name not in definitions:
            sys.exit(f"overlay.yaml: {name} is not a definition of Kubernetes {version}")
        props = definitions[name].setdefault("properties", {})
        for field, extra in fields.items():
            if field not in props:
                sys.exit(f"overlay.yaml: {name} has no field {field} in Kubernetes {version}")
            target = props[field]
            if "items" in extra:
                target = target["items"]
                extra = extra["items"]
            if "additionalProperties" in extra:
                target = target["additionalProperties"]
                extra = extra["additionalProperties"]
            target.pop("$ref", None)
            target.update(extra)


def build(version, overlay):
    folder = WHEEL / f"v{version}.0-local-strict"
    raw = json.loads((folder / "_definitions.json").read_text())["$defs"]
    kinds = kinds_of(raw)
    roots = [name for group in kinds.values() for name in group.values()]
    keep = sorted(reachable(raw, roots))
    definitions = {name: prune(raw[name]) for name in keep}
    apply_overlay(definitions, overlay, version)
    document = {
        "kubernetes": version,
        "source": f"kubernetes-validate {KV_VERSION}, v{version}.0-local-strict",
        "kinds": kinds,
        "definitions": definitions,
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    buf = io.BytesIO()
    # mtime=0 and no file name: the same input gives the same bytes.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(text)
    return buf.getvalue(), len(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail if a file is stale")
    args = parser.parse_args()
    overlay = yaml.safe_load((OUT / "overlay.yaml").read_text())
    stale = []
    for version in VERSIONS:
        data, raw_size = build(version, overlay)
        path = OUT / f"v{version}.json.gz"
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(path.relative_to(ROOT))
            continue
        path.write_bytes(data)
        print(f"{path.relative_to(ROOT)}: {raw_size} bytes of JSON, {len(data)} gzip'd")
    if stale:
        sys.exit("stale, re-run scripts/schemas/import.py: " + ", ".join(map(str, stale)))


if __name__ == "__main__":
    main()
