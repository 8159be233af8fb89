"""Lists fields of deploy/kubernetes/*.yaml that the Kubernetes API does not declare (a typo such as `replicaz` passes
a JSON-schema check whose objects allow extra properties, and is dropped or refused only by the API server). Walks
each object alongside the model classes of the Kubernetes Python client (Debian's python3-kubernetes; its models are
of an older API version, so a field added later would be reported as unknown: check such a report before
trusting it). Run: /usr/bin/python3 deploy/validate/unknown_fields.py"""
import glob
import os
import re
import sys

import kubernetes.client.models as models
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
K8S = os.path.join(HERE, "..", "kubernetes")
PRIMITIVE = {"str", "int", "bool", "float", "object", "datetime", "date"}


def model_class(api_version, kind):
    version = api_version.split("/")[-1]
    return getattr(models, version[0].upper() + version[1:] + kind, None)


def walk(value, type_name, path, out):
    if value is None or type_name in PRIMITIVE:
        return
    m = re.fullmatch(r"list\[(.+)\]", type_name)
    if m:
        for i, item in enumerate(value if isinstance(value, list) else []):
            walk(item, m.group(1), f"{path}[{i}]", out)
        return
    m = re.fullmatch(r"dict\(str, (.+)\)", type_name)
    if m:
        for k, v in (value.items() if isinstance(value, dict) else []):
            walk(v, m.group(1), f"{path}.{k}", out)
        return
    cls = getattr(models, type_name, None)
    if cls is None or not isinstance(value, dict):
        return
    by_json = {json_key: attr for attr, json_key in cls.attribute_map.items()}
    for key, child in value.items():
        if key not in by_json:
            out.append(f"{path}.{key}")
        else:
            walk(child, cls.openapi_types[by_json[key]], f"{path}.{key}", out)


failed = passed = 0
for path in sorted(glob.glob(os.path.join(K8S, "*.yaml"))):
    for obj in yaml.safe_load_all(open(path)):
        if not obj or obj.get("kind") == "Kustomization":
            continue
        what = f"{os.path.basename(path)} {obj['kind']}/{obj.get('metadata', {}).get('name')}"
        cls = model_class(obj["apiVersion"], obj["kind"])
        if cls is None:
            print(f"FAIL {what}: no model for {obj['apiVersion']} {obj['kind']}")
            failed += 1
            continue
        unknown = []
        walk(obj, cls.__name__, "", unknown)
        if unknown:
            print(f"FAIL {what}: undeclared fields {', '.join(unknown)}")
            failed += 1
        else:
            print(f"ok   {what} (every field declared by {cls.__name__})")
            passed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
