"""Validates custom resources against the CRDs shipped in schemas/crds/.

kubernetes-validate knows only built-in kinds. This judges every custom resource in the
given files by the openAPIV3Schema of its kind's CustomResourceDefinition, as published
by the project that owns the kind, the way the API server would: unknown fields are
errors wherever the schema is structural and does not preserve them (the server prunes
them, or rejects them under strict field validation), `nullable` admits null,
`x-kubernetes-int-or-string` admits both. CEL rules (`x-kubernetes-validations`) are not
evaluated.

Usage:
  custom_resources.py --kinds          print "Kind@group/version" of every served version
  custom_resources.py FILE...          validate every custom resource in FILEs; a custom
                                       resource of a kind without a shipped CRD fails
Exit status: 0 when every custom resource is valid, 1 otherwise.

So that a pass means something, every custom resource found is also checked with errors
planted in it (a `spec` of the wrong type, an unknown field in `spec`): each must fail,
or the run does.
"""

import copy
import os
import sys

import yaml
from jsonschema import Draft4Validator

CRD_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "schemas", "crds")

# Groups of the built-in API (kubernetes-validate judges those); anything else is custom.
BUILT_IN_GROUPS = {
    "", "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io",
    "apps", "authentication.k8s.io", "authorization.k8s.io", "autoscaling", "batch",
    "certificates.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io",
    "flowcontrol.apiserver.k8s.io", "networking.k8s.io", "node.k8s.io", "policy",
    "rbac.authorization.k8s.io", "resource.k8s.io", "scheduling.k8s.io", "storage.k8s.io",
    "storagemigration.k8s.io",
}


def load_crds(directory=CRD_DIR):
    """{(apiVersion, kind): openAPIV3Schema} for every served version of every CRD."""
    schemas = {}
    for name in sorted(os.listdir(directory)):
        if not name.endswith((".yaml", ".yml", ".json")):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            for crd in yaml.safe_load_all(f):
                if not crd or crd.get("kind") != "CustomResourceDefinition":
                    continue
                spec = crd["spec"]
                for version in spec["versions"]:
                    if version.get("served"):
                        key = (f'{spec["group"]}/{version["name"]}', spec["names"]["kind"])
                        schemas[key] = version["schema"]["openAPIV3Schema"]
    return schemas


def to_json_schema(node, structural=True):
    """The JSON Schema (draft 4) that admits what the API server admits for `node`.

    `structural` is false inside anyOf/allOf/oneOf/not, whose branches only add value
    checks: which fields exist is decided by the structural spine alone.
    """
    if isinstance(node, list):
        return [to_json_schema(n, structural) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties", "definitions"):
            out[key] = {k: to_json_schema(v, structural) for k, v in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, (dict, list)):
            out[key] = to_json_schema(value, structural)
        elif key in ("anyOf", "allOf", "oneOf", "not"):
            out[key] = to_json_schema(value, False)
        elif not key.startswith("x-kubernetes-") and key != "nullable":
            out[key] = value
    if node.get("x-kubernetes-int-or-string") and "anyOf" not in out:
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if node.get("x-kubernetes-embedded-resource"):
        props = out.setdefault("properties", {})
        props.setdefault("apiVersion", {"type": "string"})
        props.setdefault("kind", {"type": "string"})
        props.setdefault("metadata", {"type": "object"})
    is_object = node.get("type") == "object" or "properties" in node
    closed = (structural and is_object and "additionalProperties" not in node
              and not node.get("x-kubernetes-preserve-unknown-fields"))
    if closed:
        out["additionalProperties"] = False
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def resource_schema(open_api):
    """The JSON Schema of a whole custom resource; `metadata` is the API server's own
    ObjectMeta, which the CRD leaves open."""
    schema = copy.deepcopy(open_api)
    schema.setdefault("properties", {})["metadata"] = {
        "type": "object", "x-kubernetes-preserve-unknown-fields": True}
    return to_json_schema(schema)


def group_of(api_version):
    return api_version.rpartition("/")[0] if "/" in api_version else ""


def custom_resources(files):
    """(file, object) for every custom resource in `files`."""
    for path in files:
        with open(path, encoding="utf-8") as f:
            for obj in yaml.safe_load_all(f):
                if obj and group_of(obj.get("apiVersion", "")) not in BUILT_IN_GROUPS:
                    yield path, obj


def planted(obj):
    """(what, copy of `obj` with that error planted) for each error every kind must catch."""
    wrong_type = copy.deepcopy(obj)
    wrong_type["spec"] = "planted"
    unknown_field = copy.deepcopy(obj)
    unknown_field.setdefault("spec", {})["plantedField"] = "planted"
    return [("`spec` of the wrong type", wrong_type), ("an unknown field in `spec`", unknown_field)]


def problems(files, schemas):
    """(custom resources checked, ["file: Kind/name: where: what", ...])."""
    validators = {}
    checked, found = 0, []
    for path, obj in custom_resources(files):
        api_version, kind = obj.get("apiVersion", ""), obj.get("kind", "")
        where = f"{path}: {kind}/{obj.get('metadata', {}).get('name', '?')}"
        key = (api_version, kind)
        if key not in schemas:
            found.append(f"{where}: no CRD for {kind} {api_version} in schemas/crds/")
            continue
        if key not in validators:
            validators[key] = Draft4Validator(resource_schema(schemas[key]))
        validator = validators[key]
        checked += 1
        for error in sorted(validator.iter_errors(obj), key=lambda e: list(e.path)):
            at = ".".join(str(p) for p in error.absolute_path) or "(root)"
            found.append(f"{where}: {at}: {error.message}")
        found.extend(f"{where}: the check missed a planted error: {what}"
                     for what, bad in planted(obj) if validator.is_valid(bad))
    return checked, found


def main(argv):
    schemas = load_crds()
    if argv == ["--kinds"]:
        print(" ".join(f"{kind}@{api_version}" for api_version, kind in sorted(schemas)))
        return 0
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    checked, found = problems(argv, schemas)
    for p in found:
        print("  " + p, file=sys.stderr)
    print(f"custom resources {checked} valid ({2 * checked} planted errors caught)" if not found
          else f"custom resources: {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
