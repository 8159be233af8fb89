// Offline checks of deploy/: every YAML file parses, and every Kubernetes object in deploy/kubernetes/ validates
// against the JSON schema that the kubernetes-models package bundles for its apiVersion/kind. Kustomization files are
// parsed only (they are not API objects). The bundled schemas check types, required fields and formats but allow
// undeclared fields (a typo such as `replicaz` passes): unknown_fields.py checks those.
// Run: bash deploy/validate.sh, or `npm install && node validate-manifests.mjs` in this folder.
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const deploy = join(here, "..");
const root = join(deploy, "..");
const k8sDir = join(deploy, "kubernetes");

let failures = 0;
let passed = 0;
const fail = (what, message) => { failures++; console.log(`FAIL ${what}: ${message}`); };
const pass = (what) => { passed++; console.log(`ok   ${what}`); };

function parseFile(path) {
  const docs = parseAllDocuments(readFileSync(path, "utf8"), { uniqueKeys: true, merge: true });
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(doc.errors.map((e) => e.message).join("; "));
    const value = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) objects.push(value);
  }
  return objects;
}

// The module of an apiVersion in kubernetes-models: "v1" -> kubernetes-models/v1, "apps/v1" -> kubernetes-models/apps/v1.
async function modelFor(apiVersion, kind) {
  const mod = await import(`kubernetes-models/${apiVersion}`);
  const Model = mod[kind];
  if (!Model) throw new Error(`kubernetes-models has no ${kind} in ${apiVersion}`);
  return Model;
}

// 1. Every YAML file of deploy/ and the root docker-compose.yml parses.
const yamlFiles = [join(root, "docker-compose.yml")];
for (const dir of [deploy, k8sDir]) {
  for (const name of readdirSync(dir)) if (/\.ya?ml$/.test(name)) yamlFiles.push(join(dir, name));
}
const parsed = new Map();
for (const file of yamlFiles) {
  try {
    parsed.set(file, parseFile(file));
    pass(`parse ${relative(root, file)}`);
  } catch (e) {
    fail(`parse ${relative(root, file)}`, e.message);
  }
}

// 2. Kubernetes objects validate against their schema; no undeclared fields.
for (const [file, objects] of parsed) {
  if (!file.startsWith(k8sDir)) continue;
  for (const obj of objects) {
    const what = `${relative(root, file)} ${obj.kind}/${obj.metadata?.name ?? "?"}`;
    if (obj.kind === "Kustomization") {
      const missing = (obj.resources ?? []).filter((r) => !readdirSync(k8sDir).includes(r));
      missing.length ? fail(what, `resources not found: ${missing.join(", ")}`) : pass(`${what} (resources exist)`);
      continue;
    }
    try {
      const Model = await modelFor(obj.apiVersion, obj.kind);
      new Model(obj).validate();
      pass(`${what} (schema)`);
    } catch (e) {
      fail(what, e.message + (e.errors ? " " + JSON.stringify(e.errors) : ""));
    }
  }
}

console.log(`${passed} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
