// One notion of "a Kubernetes manifest", shared by the editor's diagnostics, the workspace index
// and the CLI: a YAML or JSON file (or a Helm template) whose text has top-level `apiVersion`
// and `kind`. A file the user names explicitly (the CLI's arguments, "Lint This File") is linted
// whatever it looks like.

/** File names whose content may be a manifest. */
export const MANIFEST_FILE_RE = /\.(?:ya?ml|json)$/i;
/** Helm template files (`templates/_helpers.tpl`): linted in the editor when they look like manifests. */
export const TEMPLATE_FILE_RE = /\.tpl$/i;
/** Editor language ids whose documents may be manifests. */
export const MANIFEST_LANGUAGES: ReadonlySet<string> = new Set(['yaml', 'json', 'jsonc', 'helm']);

/** Kubernetes manifests (YAML or JSON) carry `apiVersion` and `kind` at the top level. */
export function looksLikeManifest(text: string): boolean {
  if (/^\uFEFF?apiVersion[ \t]*:/m.test(text) && /^\uFEFF?kind[ \t]*:/m.test(text)) return true;
  if (/"apiVersion"\s*:/.test(text) && /"kind"\s*:/.test(text)) return true;
  // A flow-style YAML document (`{ apiVersion: "v1", kind: "Pod", … }`) after comments and `---`.
  return FLOW_DOC_RE.test(text) && /[{,](?:\s|#[^\n]*)*apiVersion\s*:/.test(text) && /[{,](?:\s|#[^\n]*)*kind\s*:/.test(text);
}

const FLOW_DOC_RE = /^\uFEFF?(?:\s*(?:#[^\n]*|---[^\n]*)?\n)*\s*\{/;

export type ManifestVerdict = { manifest: true } | { manifest: false; reason: string };

/**
 * Whether a file is a manifest to lint, and if not, why not. `languageId` is the editor's
 * (a `.conf` file the user set to YAML counts); the CLI passes none.
 */
export function manifestVerdict(fileName: string, text: string, languageId?: string): ManifestVerdict {
  const byName = MANIFEST_FILE_RE.test(fileName) || TEMPLATE_FILE_RE.test(fileName) || (languageId !== undefined && MANIFEST_LANGUAGES.has(languageId));
  if (!byName) return { manifest: false, reason: 'not a .yaml, .yml, .json or .tpl file' };
  if (!looksLikeManifest(text)) return { manifest: false, reason: 'no top-level apiVersion and kind (not a Kubernetes manifest)' };
  return { manifest: true };
}
