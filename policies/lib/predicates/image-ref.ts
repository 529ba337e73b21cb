/**
 * Container image references, judged by whether they pin one immutable image. Only a
 * `@sha256:` digest does: tags (including `:latest` and the implicit `:latest` of an untagged
 * name) can be pushed again and move under a running model.
 */

export type ImageVerdict =
  | { pinned: true; digest: string }
  | { pinned: false; kind: "untagged" | "latest" | "tag" | "invalid"; reason: string; fix: string };

/** OCI image digests are lowercase hex; an uppercase digest is rejected by registries. */
export const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

// Docker reference grammar (distribution/reference): path components are lowercase; the first
// component may be a registry host with a port, which is why the tag is only looked for after
// the last "/".
const NAME = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export interface ParsedImage {
  name: string;
  tag?: string;
  digest?: string;
}

/** Splits `name[:tag][@digest]`; undefined when the text is not a valid reference. */
export function parseImageRef(image: string): ParsedImage | undefined {
  if (image.length === 0 || /\s/.test(image)) return undefined;
  const at = image.indexOf("@");
  const named = at === -1 ? image : image.slice(0, at);
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const slash = named.lastIndexOf("/");
  const colon = named.indexOf(":", slash + 1);
  const name = colon === -1 ? named : named.slice(0, colon);
  const tag = colon === -1 ? undefined : named.slice(colon + 1);
  if (!NAME.test(name) || (tag !== undefined && !TAG.test(tag))) return undefined;
  const parsed: ParsedImage = { name };
  if (tag !== undefined) parsed.tag = tag;
  if (digest !== undefined) parsed.digest = digest;
  return parsed;
}

const PLACEHOLDER = "sha256:<64 hex>";

export function checkImageRef(image: string): ImageVerdict {
  const parsed = parseImageRef(image);
  if (parsed === undefined) {
    return {
      pinned: false,
      kind: "invalid",
      reason: "is not a valid image reference",
      fix: `write it as registry/repository@${PLACEHOLDER}`,
    };
  }
  const keptTag = parsed.tag !== undefined && parsed.tag !== "latest" ? `:${parsed.tag}` : "";
  const fix = `pin it by digest: ${parsed.name}${keptTag}@${PLACEHOLDER}`;
  if (parsed.digest !== undefined) {
    if (SHA256_DIGEST.test(parsed.digest)) return { pinned: true, digest: parsed.digest };
    return {
      pinned: false,
      kind: "invalid",
      reason: `has digest "${parsed.digest}", which is not sha256: followed by 64 lowercase hex digits`,
      fix,
    };
  }
  if (parsed.tag === undefined) {
    return { pinned: false, kind: "untagged", reason: "has no tag or digest, so it pulls whatever :latest is at the time", fix };
  }
  if (parsed.tag === "latest") {
    return { pinned: false, kind: "latest", reason: "uses the :latest tag, which moves with every push", fix };
  }
  return { pinned: false, kind: "tag", reason: `uses the tag :${parsed.tag} without a digest, and tags can be pushed again`, fix };
}

export function isPinnedImage(image: string): boolean {
  return checkImageRef(image).pinned;
}
