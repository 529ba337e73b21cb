/**
 * Strict validation of rendered custom resources against the upstream CRDs in ../shared/crds.
 *
 * The API server prunes unknown fields silently (a typo in `spec.canary[0].predictor` simply
 * vanishes), so a GitOps repo can carry manifests that "apply" and do nothing. Here unknown fields
 * are errors: every object schema that lists `properties` is closed, except where the CRD itself
 * says `x-kubernetes-preserve-unknown-fields: true`, exactly the places the API server would keep
 * them.
 *
 * Not checked (deliberately): `x-kubernetes-validations` (CEL needs a CEL engine; the API server
 * still runs them), list-type uniqueness (`x-kubernetes-list-type: map|set`), and formats other
 * than the ones registered below (they are dropped, not guessed at).
 */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { formatValue } from "../errors";
import { PROJECT_ROOT } from "../project-root";

/** The upstream CRDs, beside the project (a user's clone does not have them). */
export const SHARED_CRDS_DIR = path.resolve(PROJECT_ROOT, "../shared/crds");
const SHARED_CRDS_LABEL = "../shared/crds";

export function crdsAvailable(crdsDir: string = SHARED_CRDS_DIR): boolean {
  return existsSync(crdsDir) && statSync(crdsDir).isDirectory();
}

type Schema = Record<string, unknown>;

interface CrdVersion {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly file: string;
  readonly schema: Schema;
}

// JSON-schema keywords a structural CRD schema may use that ajv should enforce. Everything else
// (description, default, example, x-kubernetes-* after conversion) is dropped so ajv never sees
// a keyword it does not know.
const KEPT_KEYWORDS = new Set([
  "type", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum",
  "exclusiveMaximum", "multipleOf", "minItems", "maxItems", "uniqueItems", "minProperties",
  "maxProperties", "required", "format",
]);

// Formats Kubernetes schemas use that we check. int32/int64 are range checks on integers; the
// API server rejects out-of-range numbers, so do we. Unlisted formats are dropped by `convert`.
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const FORMATS = {
  int32: { type: "number" as const, validate: (n: number) => Number.isInteger(n) && n >= INT32.min && n <= INT32.max },
  int64: { type: "number" as const, validate: (n: number) => Number.isInteger(n) && Number.isSafeInteger(n) },
  float: { type: "number" as const, validate: () => true },
  double: { type: "number" as const, validate: () => true },
  "date-time": /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
};

const STRING_MAP: Schema = { type: "object", additionalProperties: { type: "string" } };

/** ObjectMeta, loosely: the field names are checked (a `label:` typo is an error), nested lists are not. */
const OBJECT_META: Schema = {
  type: "object",
  additionalProperties: false,
  properties: {
    name: { type: "string" },
    generateName: { type: "string" },
    namespace: { type: "string" },
    labels: STRING_MAP,
    annotations: STRING_MAP,
    finalizers: { type: "array", items: { type: "string" } },
    ownerReferences: { type: "array", items: { type: "object" } },
    uid: { type: "string" },
    resourceVersion: { type: "string" },
    generation: { type: "integer" },
    creationTimestamp: { type: ["string", "null"] },
    deletionTimestamp: { type: ["string", "null"] },
    deletionGracePeriodSeconds: { type: "integer" },
    managedFields: { type: "array", items: { type: "object" } },
    selfLink: { type: "string" },
  },
};

const EMBEDDED_RESOURCE_FIELDS: Schema = {
  apiVersion: { type: "string" },
  kind: { type: "string" },
  metadata: OBJECT_META,
};

/**
 * A CRD's openAPIV3Schema as a closed JSON schema ajv accepts. Pure; exported for tests.
 */
export function toStrictJsonSchema(source: Schema, root = true): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(source)) {
    if (KEPT_KEYWORDS.has(k)) out[k] = v;
  }
  if (typeof out.format === "string" && !Object.hasOwn(FORMATS, out.format)) delete out.format;

  const preserveUnknown = source["x-kubernetes-preserve-unknown-fields"] === true;
  if (source["x-kubernetes-int-or-string"] === true) {
    // The CRD spells it `anyOf: [{type: integer}, {type: string}]`; one type list gives one error.
    out.type = ["integer", "string"];
  } else {
    for (const combinator of ["anyOf", "allOf", "oneOf"] as const) {
      const list = source[combinator];
      if (Array.isArray(list)) out[combinator] = list.map((s: Schema) => toStrictJsonSchema(s, false));
    }
    if (source.not && typeof source.not === "object") out.not = toStrictJsonSchema(source.not as Schema, false);
  }
  // A schema with neither type nor properties that preserves unknown fields accepts any JSON value.
  if (preserveUnknown && out.type === undefined && source.properties === undefined) {
    return nullable(out, source);
  }

  if (source.items && typeof source.items === "object") out.items = toStrictJsonSchema(source.items as Schema, false);

  const properties = source.properties as Record<string, Schema> | undefined;
  if (properties) {
    const props: Record<string, Schema> = {};
    for (const [name, child] of Object.entries(properties)) props[name] = toStrictJsonSchema(child, false);
    if (source["x-kubernetes-embedded-resource"] === true) Object.assign(props, EMBEDDED_RESOURCE_FIELDS);
    if (root) Object.assign(props, { apiVersion: { type: "string" }, kind: { type: "string" }, metadata: OBJECT_META });
    out.properties = props;
  }

  const additional = source.additionalProperties;
  if (additional !== undefined) {
    out.additionalProperties = typeof additional === "object" && additional !== null ? toStrictJsonSchema(additional as Schema, false) : additional;
  } else if (properties && !preserveUnknown) {
    out.additionalProperties = false;
  }
  return nullable(out, source);
}

function nullable(out: Schema, source: Schema): Schema {
  if (source.nullable !== true) return out;
  if (typeof out.type === "string") out.type = [out.type, "null"];
  else if (Array.isArray(out.type)) out.type = [...(out.type as string[]), "null"];
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}

/**
 * Moves every repeated large subschema into `$defs` and points at it with `$ref`. A KServe
 * InferenceService embeds the PodSpec and Container schemas dozens of times; compiled inline
 * that is seconds of code generation, compiled once each it is a fraction of that.
 */
export function shareRepeatedSubschemas(schema: Schema, minChars = 400): Schema {
  const defs: Record<string, Schema> = {};
  const names = new Map<string, string>();
  const counts = new Map<string, number>();

  const count = (node: Schema): void => {
    forEachChild(node, count);
    const text = JSON.stringify(node);
    if (text.length >= minChars) counts.set(text, (counts.get(text) ?? 0) + 1);
  };
  const share = (node: Schema, isRoot: boolean): Schema => {
    const text = JSON.stringify(node);
    const rebuilt = mapChildren(node, (child) => share(child, false));
    if (isRoot || (counts.get(text) ?? 0) < 2) return rebuilt;
    let name = names.get(text);
    if (!name) {
      name = `s${names.size}`;
      names.set(text, name);
      defs[name] = rebuilt;
    }
    return { $ref: `#/$defs/${name}` };
  };
  count(schema);
  const root = share(schema, true);
  return Object.keys(defs).length === 0 ? root : { ...root, $defs: defs };
}

// The places a (converted) schema holds subschemas; `properties` is a map of them, not one.
function forEachChild(node: Schema, visit: (child: Schema) => void): void {
  mapChildren(node, (child) => {
    visit(child);
    return child;
  });
}

function mapChildren(node: Schema, f: (child: Schema) => Schema): Schema {
  const out: Schema = { ...node };
  const isSchema = (v: unknown): v is Schema => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isSchema(node.properties)) {
    out.properties = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, f(v as Schema)]));
  }
  for (const key of ["items", "additionalProperties", "not"] as const) {
    const v = node[key];
    if (isSchema(v)) out[key] = f(v);
  }
  for (const key of ["anyOf", "allOf", "oneOf"] as const) {
    const v = node[key];
    if (Array.isArray(v)) out[key] = v.map((s: Schema) => f(s));
  }
  return out;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) return yamlFiles(full);
      return /\.ya?ml$/.test(entry) ? [full] : [];
    });
}

interface CrdDocument {
  kind?: string;
  spec?: {
    group?: string;
    names?: { kind?: string };
    versions?: { name?: string; schema?: { openAPIV3Schema?: Schema } }[];
  };
}

/** Where each kind lives, read from the CRD headers only: parsing all 10 MB of schemas up front costs seconds. */
interface CrdFileIndex {
  /** `group/kind` → files defining it. */
  readonly files: Map<string, string[]>;
  /** `group/version/kind` → schema, filled as files are parsed. */
  readonly versions: Map<string, CrdVersion>;
  readonly parsed: Set<string>;
}

function header(text: string): string {
  // Upstream CRDs put metadata, group and names before `versions:`; the header alone parses in microseconds.
  const cut = text.search(/^ {2}versions:/m);
  return cut < 0 ? text : text.slice(0, cut);
}

function scanIndex(crdsDir: string): CrdFileIndex {
  const files = new Map<string, string[]>();
  for (const file of yamlFiles(crdsDir)) {
    const text = readFileSync(file, "utf8");
    const docs = text.split(/^---\s*$/m);
    for (const doc of docs) {
      const crd = parseAllDocuments(header(doc))[0]?.toJS() as CrdDocument | null | undefined;
      if (crd?.kind !== "CustomResourceDefinition" || !crd.spec?.group || !crd.spec.names?.kind) continue;
      const key = `${crd.spec.group}/${crd.spec.names.kind}`;
      files.set(key, [...(files.get(key) ?? []), file]);
    }
  }
  return { files, versions: new Map(), parsed: new Set() };
}

function parseFile(index: CrdFileIndex, file: string): void {
  if (index.parsed.has(file)) return;
  index.parsed.add(file);
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    const crd = doc.toJS() as CrdDocument | null;
    if (crd?.kind !== "CustomResourceDefinition" || !crd.spec?.group || !crd.spec.names?.kind) continue;
    for (const v of crd.spec.versions ?? []) {
      const schema = v.schema?.openAPIV3Schema;
      if (!v.name || !schema) continue;
      index.versions.set(gvkKey(crd.spec.group, v.name, crd.spec.names.kind), {
        group: crd.spec.group,
        version: v.name,
        kind: crd.spec.names.kind,
        file,
        schema,
      });
    }
  }
}

function gvkKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

// One index and one compiled validator per GVK per directory, for the life of the process.
const indexes = new Map<string, CrdFileIndex>();
const validators = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;

function compiler(): Ajv {
  // strict: false because CRD schemas legitimately mix `type` lists and `items`/`properties`
  // (ajv's strictTypes would warn); unknown keywords cannot reach ajv since convert() allow-lists them.
  // unicodeRegExp: false because Kubernetes patterns are written for Go's RE2, not ES unicode mode.
  ajv ??= new Ajv({ allErrors: true, strict: false, unicodeRegExp: false, formats: FORMATS, validateFormats: true, inlineRefs: false });
  return ajv;
}

function validatorFor(crdsDir: string, group: string, version: string, kind: string): ValidateFunction | undefined {
  let index = indexes.get(crdsDir);
  if (!index) {
    index = scanIndex(crdsDir);
    indexes.set(crdsDir, index);
  }
  const key = `${crdsDir}#${gvkKey(group, version, kind)}`;
  const cached = validators.get(key);
  if (cached) return cached;
  for (const file of index.files.get(`${group}/${kind}`) ?? []) parseFile(index, file);
  const crd = index.versions.get(gvkKey(group, version, kind));
  if (!crd) return undefined;
  const validate = compiler().compile(shareRepeatedSubschemas(toStrictJsonSchema(crd.schema)));
  validators.set(key, validate);
  return validate;
}

/** `/spec/canary/0/predictor` → `spec.canary[0].predictor`. */
function dottedPath(instancePath: string): string {
  if (instancePath === "") return "";
  return instancePath
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc === "" ? s : `${acc}.${s}`), "");
}

function join(base: string, field: string): string {
  return base === "" ? field : `${base}.${field}`;
}

function valueAt(root: unknown, instancePath: string): unknown {
  if (instancePath === "") return root;
  let cur: unknown = root;
  for (const raw of instancePath.slice(1).split("/")) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function describe(error: ErrorObject, root: unknown): string {
  const at = dottedPath(error.instancePath);
  const got = formatValue(valueAt(root, error.instancePath));
  switch (error.keyword) {
    case "additionalProperties":
      return `${join(at, String(error.params.additionalProperty))}: unknown field`;
    case "required":
      return `${join(at, String(error.params.missingProperty))}: required field missing`;
    case "type":
      return `${at || "(root)"}: must be ${[error.params.type].flat().join(" or ")} (got ${got})`;
    case "enum":
      return `${at || "(root)"}: must be one of ${(error.params.allowedValues as unknown[]).map((v) => formatValue(v)).join(", ")} (got ${got})`;
    default:
      return `${at || "(root)"}: ${error.message ?? error.keyword} (got ${got})`;
  }
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf("/");
  return slash < 0 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/**
 * Validates one custom resource against the CRDs in `crdsDir`. Returns every problem as
 * `path: message` (empty when valid): `spec.canary[0].predictor.foo: unknown field`.
 */
export function validateAgainstCrds<T extends { readonly apiVersion: string; readonly kind: string }>(
  obj: T,
  crdsDir: string = SHARED_CRDS_DIR,
): string[] {
  const { group, version } = splitApiVersion(obj.apiVersion);
  const label = crdsDir === SHARED_CRDS_DIR ? SHARED_CRDS_LABEL : crdsDir;
  if (!crdsAvailable(crdsDir)) return [`no CRD for ${group}/${version} ${obj.kind} in ${label} (directory not found)`];
  const validate = validatorFor(crdsDir, group, version, obj.kind);
  if (!validate) return [`no CRD for ${group}/${version} ${obj.kind} in ${label}`];
  if (validate(obj)) return [];
  return [...new Set((validate.errors ?? []).map((e) => describe(e, obj)))];
}
