/**
 * Where a model server's command line and environment name its model, and only there: a URL
 * in any other flag or env var (an OpenTelemetry endpoint, HTTPS_PROXY, HF_ENDPOINT, a redis://
 * cache) is not a model and must never fail an artifact rule.
 *
 * What counts, by engine (KServe read at its pinned tag; the others from their command-line
 * references, since their repositories could not be brought here at a pinned tag):
 * - vLLM: `vllm serve <model>` (positional), `--model`, `--tokenizer`, `--revision` (the commit a
 *   bare Hugging Face repo id is pinned to), `--lora-modules name=path` or its JSON form.
 * - Hugging Face TGI / KServe huggingfaceserver: `--model-id` / `--model_id`, env MODEL_ID,
 *   `--revision` / env REVISION, `--lora-adapters` / env LORA_ADAPTERS (comma-separated).
 * - KServe: env STORAGE_URI on a custom container (kserve@v0.20.0
 *   pkg/apis/serving/v1beta1/predictor_custom.go GetStorageUri reads
 *   constants.CustomSpecStorageUriEnvVarKey = "STORAGE_URI").
 * - Triton `--model-repository`/`--model-store`, TF Serving `--model_base_path` and env
 *   MODEL_BASE_PATH, TorchServe `--model-store`.
 * - Downloads in a shell or init container: `aws s3 cp|sync SRC`, `gsutil cp|rsync SRC`,
 *   `gcloud storage cp|rsync SRC`, `huggingface-cli download REPO` / `hf download REPO`.
 * Commands run through `sh -c '<script>'` are split into words and read the same way.
 */

export interface Word {
  /** Field path of the argv element the word came from. */
  path: string;
  value: string;
}

/** A model source as written, with the revision pinning it when it is a bare Hugging Face repo id. */
export interface ModelSource {
  path: string;
  value: string;
  /** `--revision`/REVISION given alongside, for bare Hugging Face repo ids. */
  revision?: string;
  /** How the source was named, for messages about bare repo ids: `--revision` or `REVISION`. */
  revisionFlag?: string;
}

const norm = (flag: string) => flag.replace(/^-+/, "").toLowerCase().replace(/_/g, "-");

/** Flags whose value is a model location. */
const MODEL_FLAGS = new Set([
  "model", "model-id", "model-uri", "model-dir", "model-path", "model-name-or-path", "storage-uri", "tokenizer",
  "model-repository", "model-store", "model-base-path",
]);
/** Flags whose value lists LoRA adapters: `name=path` words (vLLM) or `name=path,name=path` (TGI). */
const LORA_FLAGS = new Set(["lora-modules", "lora-adapters"]);
/** `--model_revision` is KServe huggingfaceserver's (kserve@v0.20.0 python/huggingfaceserver/huggingfaceserver/__main__.py). */
const REVISION_FLAGS = new Set(["revision", "model-revision"]);
/**
 * vLLM flags that take no value, so a word after one is the positional model. vLLM turns each
 * boolean field of its engine configs into `--x`/`--no-x` (vllm/engine/arg_utils.py,
 * BooleanOptionalAction); the list was read there on main, not at the pinned v0.28.0 (the
 * repository snapshot is too large to fetch here), so it is a floor: any `--no-x` counts too, and
 * after a flag we do not know a word that looks like a model is judged anyway.
 */
const BOOLEAN_FLAGS = new Set([
  "trust-remote-code", "enforce-eager", "enable-prefix-caching", "no-enable-prefix-caching", "enable-lora", "enable-chunked-prefill",
  "disable-log-requests", "disable-log-stats", "disable-custom-all-reduce", "enable-auto-tool-choice", "skip-tokenizer-init",
  "disable-sliding-window", "enable-expert-parallel", "enable-log-requests", "headless",
]);
const isBooleanFlag = (flag: string) => BOOLEAN_FLAGS.has(flag) || flag.startsWith("no-");
/** Flags known to take a value, so the word after one is never the positional model. */
const VALUE_FLAGS = new Set([
  "port", "host", "served-model-name", "tensor-parallel-size", "pipeline-parallel-size", "max-model-len", "gpu-memory-utilization",
  "dtype", "quantization", "download-dir", "max-num-seqs", "kv-cache-dtype", "chat-template", "uvicorn-log-level", "config",
  "model-name", "max-lora-rank", "max-loras", "load-format", "seed", "swap-space", "otlp-traces-endpoint", "tool-call-parser",
]);

/** Env vars whose value is a model location; everything else in env is not a model. */
export const MODEL_SOURCE_ENV = ["STORAGE_URI", "MODEL_ID", "HF_MODEL_ID", "MODEL_URI", "MODEL_PATH", "MODEL_DIR", "MODEL_NAME_OR_PATH", "MODEL_REPOSITORY", "MODEL_BASE_PATH"] as const;
const LORA_ENV = ["LORA_ADAPTERS"];
const REVISION_ENV = ["REVISION", "HF_MODEL_REVISION"];

const SHELLS = /(^|\/)(ba|da|z|k)?sh$/;

/** Splits a shell script into words (quotes honoured, `;`, `&&`, `||`, `|` and newlines as word breaks). */
export function shellWords(script: string): string[] {
  const words: string[] = [];
  let word = "";
  let quote: string | undefined;
  let started = false;
  const flush = () => {
    if (started) words.push(word);
    word = "";
    started = false;
  };
  for (let i = 0; i < script.length; i++) {
    const ch = script[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === "\\" && quote === '"' && i + 1 < script.length) word += script[++i];
      else word += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      started = true;
    } else if (ch === "\\" && i + 1 < script.length) {
      word += script[++i];
      started = true;
    } else if (/\s/.test(ch) || ch === ";" || ch === "&" || ch === "|") {
      flush();
      if (ch === ";" || ch === "&" || ch === "|" || ch === "\n") words.push(";");
    } else {
      word += ch;
      started = true;
    }
  }
  flush();
  return words;
}

/**
 * The container's argv, with `sh -c '<script>'` expanded into the script's words (each carrying
 * the path of the script element), split into commands at `;`, `&&`, `|`.
 */
export function commandsOf(argv: readonly Word[]): Word[][] {
  const out: Word[][] = [[]];
  const push = (w: Word) => {
    if (w.value === ";") {
      if (out[out.length - 1]!.length > 0) out.push([]);
    } else out[out.length - 1]!.push(w);
  };
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    const shell = SHELLS.test(w.value) && argv[i + 1]?.value === "-c" && argv[i + 2] !== undefined;
    if (shell) {
      for (const s of shellWords(argv[i + 2]!.value)) push({ path: argv[i + 2]!.path, value: s });
      push({ path: w.path, value: ";" });
      i += 2;
      continue;
    }
    push(w);
  }
  return out.filter((c) => c.length > 0);
}

const flagName = (w: string) => (w.startsWith("-") ? norm(w.includes("=") ? w.slice(0, w.indexOf("=")) : w) : undefined);

/** Model sources on one command line: flags, the positional after `serve`, download commands. */
function sourcesOfCommand(words: readonly Word[]): ModelSource[] {
  const out: ModelSource[] = [];
  let revision: string | undefined;
  let revisionFlag = "--revision";
  const lora = (w: Word, text: string) => {
    for (const item of text.trim().startsWith("{") ? [text] : text.split(",")) {
      const trimmed = item.trim();
      if (trimmed.startsWith("{")) {
        try {
          const parsed = JSON.parse(trimmed) as { path?: unknown };
          if (typeof parsed.path === "string") out.push({ path: w.path, value: parsed.path });
        } catch {
          // not JSON: not a source we can read
        }
      } else if (trimmed.includes("=")) out.push({ path: w.path, value: trimmed.slice(trimmed.indexOf("=") + 1) });
      else if (trimmed !== "") out.push({ path: w.path, value: trimmed });
    }
  };
  const value = (i: number): string | undefined => {
    const w = words[i]!.value;
    if (w.includes("=")) return w.slice(w.indexOf("=") + 1);
    const next = words[i + 1]?.value;
    return next !== undefined && !next.startsWith("-") ? next : undefined;
  };
  const values = words.map((w) => w.value);
  // Downloads: aws s3 cp|sync SRC DST, gsutil [-m] cp|rsync [-r] SRC DST, gcloud storage cp|rsync SRC, hf download REPO.
  const download = (i: number): number | undefined => {
    const v = values;
    const cmd = v[i]?.replace(/^.*\//, "");
    if (cmd === "aws" && v[i + 1] === "s3" && (v[i + 2] === "cp" || v[i + 2] === "sync")) return i + 3;
    if (cmd === "gsutil") {
      let j = i + 1;
      while (v[j]?.startsWith("-")) j++;
      if (v[j] === "cp" || v[j] === "rsync") return j + 1;
    }
    if (cmd === "gcloud" && v[i + 1] === "storage" && (v[i + 2] === "cp" || v[i + 2] === "rsync")) return i + 3;
    if ((cmd === "huggingface-cli" || cmd === "hf") && v[i + 1] === "download") return i + 2;
    return undefined;
  };
  let afterServe = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const flag = flagName(w.value);
    if (flag !== undefined) {
      const v = value(i);
      if (REVISION_FLAGS.has(flag) && v !== undefined) {
        revision = v;
        revisionFlag = w.value.includes("=") ? w.value.slice(0, w.value.indexOf("=")) : w.value;
      }
      else if (MODEL_FLAGS.has(flag) && v !== undefined) out.push({ path: words[w.value.includes("=") ? i : i + 1]!.path, value: v });
      else if (LORA_FLAGS.has(flag)) {
        // vLLM takes several words after one --lora-modules: every following non-flag word.
        if (w.value.includes("=")) lora(w, w.value.slice(w.value.indexOf("=") + 1));
        for (let j = i + 1; !w.value.includes("=") && j < words.length && !words[j]!.value.startsWith("-"); j++) lora(words[j]!, words[j]!.value);
      }
      continue;
    }
    const start = download(i);
    if (start !== undefined) {
      let j = start;
      while (words[j]?.value.startsWith("-")) j += /^--(revision|include|exclude|local-dir|cache-dir|region|profile|endpoint-url)$/.test(words[j]!.value) ? 2 : 1;
      const src = words[j];
      if (src) out.push({ path: src.path, value: src.value });
      continue;
    }
    const prev = words[i - 1]?.value;
    const prevFlag = prev !== undefined ? flagName(prev) : undefined;
    const consumed = prev !== undefined && prevFlag !== undefined && !prev.includes("=") && !isBooleanFlag(prevFlag);
    if (afterServe && !consumed) {
      out.push({ path: w.path, value: w.value });
      afterServe = false;
    } else if (afterServe && consumed && !VALUE_FLAGS.has(prevFlag!) && !MODEL_FLAGS.has(prevFlag!) && looksLikeModel(w.value)) {
      // After a flag we do not know, the word may be its value or the positional model: a
      // word that looks like a model is judged rather than let through.
      out.push({ path: w.path, value: w.value });
      afterServe = false;
    }
    if (w.value === "serve") afterServe = true;
  }
  return revision === undefined ? out : out.map((s) => ({ ...s, revision, revisionFlag }));
}

/** A Hugging Face repository id with no scheme: `owner/name`. */
export const BARE_HF_REPO = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
const URI_LIKE = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:)/;

export function looksLikeUri(v: string): boolean {
  return URI_LIKE.test(v.trim());
}

function looksLikeModel(v: string): boolean {
  return looksLikeUri(v) || BARE_HF_REPO.test(v);
}

/** Every model source a container's command line and environment name. */
export function containerModelSources(argv: readonly Word[], env: readonly { path: string; name: unknown; value: unknown }[]): ModelSource[] {
  const out = commandsOf(argv).flatMap(sourcesOfCommand);
  const named = (names: readonly string[]) => env.filter((e) => typeof e.name === "string" && names.includes(e.name) && typeof e.value === "string");
  const revision = named(REVISION_ENV)[0];
  for (const e of named(MODEL_SOURCE_ENV)) {
    out.push({ path: e.path, value: e.value as string, revisionFlag: revision !== undefined ? String(revision.name) : "REVISION", ...(revision !== undefined && { revision: revision.value as string }) });
  }
  for (const e of named(LORA_ENV)) {
    for (const item of (e.value as string).split(",")) {
      const v = item.includes("=") ? item.slice(item.indexOf("=") + 1).trim() : item.trim();
      if (v !== "") out.push({ path: e.path, value: v });
    }
  }
  // Sources flags give without a revision pick up REVISION from the environment, as TGI does.
  return revision === undefined ? out : out.map((s) => (s.revision === undefined ? { ...s, revision: revision.value as string, revisionFlag: String(revision.name) } : s));
}
