/**
 * Model artifact URIs, judged by whether they name one immutable artifact. A model that can
 * change under the same URI makes a canary meaningless (stable and candidate may serve the same
 * bytes) and a rollback a lie, so only content digests, commit SHAs and image digests pin.
 *
 * Decisions:
 * - Hex digits must be lowercase. Digests and git SHAs are canonically lowercase (the OCI spec
 *   requires it for sha256), and a mixed-case segment is a different S3 key from the one the
 *   publisher wrote, so uppercase hex is rejected rather than normalised.
 * - A query string or fragment never pins: KServe's storage initializer drops `?versionId=...`,
 *   so the pod would download whatever the key holds now.
 * - Surrounding whitespace is rejected, not trimmed: the storage initializer does not trim it.
 * - `allowedBuckets` empty or absent means any bucket.
 * - `allowedMutableSchemes` only admits the inherently mutable schemes (pvc, http(s), file,
 *   hdfs, webhdfs, modelscope, git); it never relaxes the digest rule of s3/gs/hf/oci.
 */
import { checkImageRef } from "./image-ref";

export type ArtifactScheme =
  | "s3" | "gs" | "hf" | "oci" | "oci+modelcar" | "oci+native" | "oci+fetch" | "pvc" | "http" | "https"
  | "file" | "hdfs" | "webhdfs" | "modelscope" | "git" | "unknown";

export interface ArtifactUriOptions {
  allowedBuckets?: readonly string[];
  allowedMutableSchemes?: readonly string[];
}

export type ArtifactVerdict =
  | { immutable: true; scheme: ArtifactScheme; pin: string }
  | { immutable: false; scheme: ArtifactScheme; reason: string; fix: string };

const DIGEST_SEGMENT = /^sha256[-:][0-9a-f]{64}$/;
const COMMIT_SHA = /^[0-9a-f]{40}$/;
const OCI_SCHEMES = ["oci", "oci+modelcar", "oci+native", "oci+fetch"] as const;
const MUTABLE_SCHEMES = ["pvc", "http", "https", "file", "hdfs", "webhdfs", "modelscope", "git"] as const;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const SCP_GIT = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:/;
const DIGEST_EXAMPLE = "s3://<bucket>/<model>/sha256-<64 hex>/";

/** The scheme of an artifact URI, with git recognised in all its spellings. */
export function artifactSchemeOf(uri: string): ArtifactScheme {
  if (SCP_GIT.test(uri)) return "git";
  const m = SCHEME.exec(uri);
  if (!m) return "unknown";
  const scheme = m[1]!.toLowerCase();
  if (scheme === "git" || scheme.startsWith("git+")) return "git";
  const path = uri.slice(m[0].length).replace(/[?#].*$/, "").replace(/\/+$/, "");
  if ((scheme === "http" || scheme === "https" || scheme === "ssh") && path.endsWith(".git")) return "git";
  const known: readonly string[] = ["s3", "gs", "hf", ...OCI_SCHEMES, ...MUTABLE_SCHEMES];
  return known.includes(scheme) ? (scheme as ArtifactScheme) : "unknown";
}

function refuse(scheme: ArtifactScheme, reason: string, fix: string): ArtifactVerdict {
  return { immutable: false, scheme, reason, fix };
}

export function checkArtifactUri(uri: string, options: ArtifactUriOptions = {}): ArtifactVerdict {
  const scheme = artifactSchemeOf(uri);
  if (uri.length === 0) return refuse("unknown", "is empty", `name one immutable artifact, e.g. ${DIGEST_EXAMPLE}`);
  if (uri.trim() !== uri) {
    return refuse(scheme, "has leading or trailing whitespace, which the storage initializer does not strip", `remove the whitespace: "${uri.trim()}"`);
  }
  if (/[?#]/.test(uri) && scheme !== "unknown" && scheme !== "git") {
    const bare = uri.replace(/[?#].*$/, "");
    return refuse(scheme, "has a query string or fragment, which KServe's storage initializer ignores (a ?versionId does not pin the object)", `drop it and pin the content instead, e.g. ${pinExample(scheme, bare)}`);
  }
  switch (scheme) {
    case "s3":
    case "gs":
      return checkObjectStore(scheme, uri, options);
    case "hf":
      return checkHuggingFace(uri);
    case "oci":
    case "oci+modelcar":
    case "oci+native":
    case "oci+fetch":
      return checkOci(scheme, uri);
    case "pvc":
    case "http":
    case "https":
    case "file":
    case "hdfs":
    case "webhdfs":
    case "modelscope":
    case "git":
      if (options.allowedMutableSchemes?.includes(scheme)) {
        return { immutable: true, scheme, pin: `scheme ${scheme} allowed by allowedMutableSchemes` };
      }
      return refuse(scheme, `uses ${scheme}, whose content can change under the same URI`, `publish the model to an object store and reference it by content digest, e.g. ${DIGEST_EXAMPLE}, or add "${scheme}" to allowedMutableSchemes`);
    case "unknown":
      return refuse("unknown", "has no recognised artifact scheme (s3, gs, hf, oci, pvc, http(s), file, hdfs, webhdfs, modelscope, git)", `use a pinned form, e.g. ${DIGEST_EXAMPLE}`);
    default: {
      const never: never = scheme;
      return never;
    }
  }
}

export function isImmutableArtifactUri(uri: string, options?: ArtifactUriOptions): boolean {
  return checkArtifactUri(uri, options).immutable;
}

function pinExample(scheme: ArtifactScheme, uri: string): string {
  if (scheme === "s3" || scheme === "gs") return objectStoreExample(scheme, uri);
  if (scheme === "hf") return `${uri.replace(/:[^/]*$/, "")}:<40 hex commit sha>`;
  if ((OCI_SCHEMES as readonly string[]).includes(scheme)) return `${uri.replace(/[:@][^/]*$/, "")}@sha256:<64 hex>`;
  return DIGEST_EXAMPLE;
}

/** Keeps the bucket and the key's prefix, and puts the digest where the mutable leaf was. */
function objectStoreExample(scheme: "s3" | "gs", uri: string): string {
  const [bucket = "<bucket>", ...key] = uri.slice(`${scheme}://`.length).split("/").filter((s) => s !== "");
  if (key.some((s) => DIGEST_SEGMENT.test(s))) return `${scheme}://${[bucket, ...key].join("/")}/`;
  const prefix = key.length >= 2 ? key.slice(0, -1) : key;
  return `${scheme}://${[bucket, ...prefix, "sha256-<64 hex>"].join("/")}/`;
}

function checkObjectStore(scheme: "s3" | "gs", uri: string, options: ArtifactUriOptions): ArtifactVerdict {
  const lock = scheme === "s3" ? "in an Object Lock bucket" : "in a bucket with a locked retention policy";
  const example = `pin it as ${objectStoreExample(scheme, uri)} ${lock}`;
  const rest = uri.slice(`${scheme}://`.length);
  const slash = rest.indexOf("/");
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  if (bucket === "") return refuse(scheme, "has no bucket name", `write it as ${scheme}://<bucket>/<model>/sha256-<64 hex>/`);
  const allowed = options.allowedBuckets ?? [];
  if (allowed.length > 0 && !allowed.includes(bucket)) {
    return refuse(scheme, `is in bucket "${bucket}", which is not in allowedBuckets (${allowed.join(", ")})`, `publish the model to one of ${allowed.join(", ")}`);
  }
  const keyText = slash === -1 ? "" : rest.slice(slash + 1);
  if (keyText === "" || keyText === "/") return refuse(scheme, "names a bucket but no key", example);
  const segments = keyText.replace(/\/$/, "").split("/");
  if (segments.some((s) => s === "")) {
    return refuse(scheme, "has an empty key segment (a double slash), so it does not name the key the digest was published under", `remove the extra slash: ${scheme}://${bucket}/${segments.filter((s) => s !== "").join("/")}${keyText.endsWith("/") ? "/" : ""}`);
  }
  const pin = segments.find((s) => DIGEST_SEGMENT.test(s));
  if (pin !== undefined) return { immutable: true, scheme, pin };
  return refuse(scheme, "the key has no sha256 content-digest segment (sha256-<64 lowercase hex>)", example);
}

function checkHuggingFace(uri: string): ArtifactVerdict {
  const rest = uri.slice("hf://".length).replace(/\/$/, "");
  const colon = rest.lastIndexOf(":");
  const repo = colon === -1 ? rest : rest.slice(0, colon);
  const revision = colon === -1 ? undefined : rest.slice(colon + 1);
  const fix = `pin the revision to a commit: hf://${repo || "<owner>/<model>"}:<40 hex commit sha>`;
  if (!/^[^/\s]+\/[^/\s]+$/.test(repo)) return refuse("hf", "does not name a repository as <owner>/<model>", fix);
  if (revision === undefined || revision === "") return refuse("hf", "has no revision, so it follows the default branch", fix);
  if (COMMIT_SHA.test(revision)) return { immutable: true, scheme: "hf", pin: revision };
  return refuse("hf", `has revision "${revision}", a branch or tag that can move (only a 40 lowercase hex commit SHA pins)`, fix);
}

function checkOci(scheme: ArtifactScheme, uri: string): ArtifactVerdict {
  const ref = uri.slice(`${scheme}://`.length);
  const image = checkImageRef(ref);
  if (image.pinned) return { immutable: true, scheme, pin: image.digest };
  const name = ref.replace(/@.*$/, "").replace(/:[^/:]*$/, "");
  return refuse(scheme, `the image reference ${image.reason}`, `pin the digest: ${scheme}://${name || "<registry>/<repository>"}@sha256:<64 hex>`);
}

const BARE_HF_REPO = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A model source as a server's command line or environment names it (policies/lib/predicates/
 * model-source.ts): a URI is judged as one; a bare Hugging Face repo id (`owner/model`, how
 * vLLM and TGI are most often run) pins only with a commit given as its revision; a local path
 * or a plain name is not a source (the volume or initializer that fills the path is judged where
 * it is declared). Undefined when there is nothing to judge.
 */
export function checkModelSource(source: { value: string; revision?: string; revisionFlag?: string }, options: ArtifactUriOptions = {}): ArtifactVerdict | undefined {
  const value = source.value;
  if (/^([A-Za-z][A-Za-z0-9+.-]*:\/\/|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:)/.test(value.trim())) return checkArtifactUri(value, options);
  if (!BARE_HF_REPO.test(value)) return undefined;
  const flag = source.revisionFlag ?? "--revision";
  const fix = `pin it to a commit with ${flag} <40 hex commit sha>, or name it as hf://${value}:<40 hex commit sha>`;
  const revision = source.revision;
  if (revision === undefined || revision === "") return refuse("hf", "is a Hugging Face repository id with no revision, so it follows the default branch", fix);
  if (COMMIT_SHA.test(revision)) return { immutable: true, scheme: "hf", pin: revision };
  return refuse("hf", `is a Hugging Face repository id at ${flag} "${revision}", a branch or tag that can move (only a 40 lowercase hex commit SHA pins)`, fix);
}

/**
 * KServe's `storage: {key, path}` (kserve@v0.20.0 pkg/apis/serving/v1beta1/inference_service.go
 * StorageSpec: the path is relative to the storage the key's config names). Pinned only when
 * the path has a content-digest segment, as an object-store key must.
 */
export function checkStoragePath(path: string): ArtifactVerdict {
  const segments = path.replace(/^\/+|\/+$/g, "").split("/");
  const pin = segments.find((s) => DIGEST_SEGMENT.test(s));
  if (pin !== undefined) return { immutable: true, scheme: "unknown", pin };
  const prefix = segments.length >= 2 ? segments.slice(0, -1).join("/") : segments.join("/");
  return refuse("unknown", "the path has no sha256 content-digest segment (sha256-<64 lowercase hex>)", `publish the model under a digest and point at it, e.g. ${prefix || "<model>"}/sha256-<64 hex>/`);
}
