// OpenAPI v3 schemas for `kubectl explain`, taken from @kubernetes/client-node: its models are
// generated from the Kubernetes OpenAPI spec, each with its field names, types and formats (the
// `attributeTypeMap` in <Model>.js) and the spec's descriptions (the doc comments in
// <Model>.d.ts). Nothing here is written by hand; this turns them back into schemas. Run at
// build time (esbuild embeds the result) and, from a source checkout, at first use.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SchemaSet {
  /** The client-node models' OpenAPI spec version, e.g. v1.34.0. */
  specVersion: string;
  /** Component schemas by name (io.k8s.api.<group>.<version>.<Kind>). */
  schemas: Record<string, Record<string, unknown>>;
  /** Top-level kinds: `group/version/Kind` → schema name. */
  kinds: Record<string, string>;
}

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

interface Model {
  description?: string;
  attributes: Attribute[];
  docs: Map<string, string>;
  required: Set<string>;
}

const CLASS = /^([A-Z][a-z]+)?(V\d+(?:(?:alpha|beta)\d+)?)([A-Z].*)$/;

/** `V1DeploymentSpec` → `io.k8s.api.v1.DeploymentSpec`; `CoreV1Event` → `io.k8s.api.core.v1.Event` (kubectl explain shows the last part). */
export function schemaName(className: string): string {
  const m = className.match(CLASS);
  if (!m) return `io.k8s.api.${className}`;
  return `io.k8s.api.${m[1] ? `${m[1].toLowerCase()}.` : ''}${m[2].toLowerCase()}.${m[3]}`;
}

function docText(block: string): string {
  return block
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, ''))
    .join('\n')
    .replace(/\\(['"\\])/g, '$1')
    .trim();
}

function readModel(dir: string, className: string): Model | undefined {
  const js = join(dir, `${className}.js`);
  const dts = join(dir, `${className}.d.ts`);
  if (!existsSync(js) || !existsSync(dts)) return undefined;
  const code = readFileSync(js, 'utf8');
  const m = code.match(/\.attributeTypeMap = (\[[\s\S]*?\]);/);
  const attributes: Attribute[] = m ? JSON.parse(m[1]) : [];
  const decl = readFileSync(dts, 'utf8');
  const classDoc = decl.match(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export declare class/);
  const docs = new Map<string, string>();
  const required = new Set<string>();
  const prop = /(?:\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*)?'([^']+)'(\??):/g;
  const body = decl.slice(decl.indexOf('export declare class'));
  for (const p of body.matchAll(prop)) {
    if (p[1]) docs.set(p[2], docText(p[1]));
    if (p[3] !== '?') required.add(p[2]);
  }
  return { description: classDoc ? docText(classDoc[1]) : undefined, attributes, docs, required };
}

export function generateSchemas(modelsDir: string, roots: Record<string, string[]>): SchemaSet {
  const schemas: Record<string, Record<string, unknown>> = {};
  const kinds: Record<string, string> = {};
  const pending: string[] = [];
  const seen = new Set<string>();
  const need = (cls: string) => {
    if (!seen.has(cls)) {
      seen.add(cls);
      pending.push(cls);
    }
  };
  const typeOf = (t: string, format: string): Record<string, unknown> => {
    const arr = t.match(/^Array<(.+)>$/);
    if (arr) return { type: 'array', items: typeOf(arr[1], '') };
    const map = t.match(/^\{ \[key: string\]: (.+); \}$/);
    if (map) return { type: 'object', additionalProperties: typeOf(map[1], '') };
    switch (t) {
      case 'string':
        return format ? { type: 'string', format } : { type: 'string' };
      case 'number':
        return /^int/.test(format) ? { type: 'integer', format } : { type: 'number', format: format || 'double' };
      case 'boolean':
        return { type: 'boolean' };
      case 'Date':
        return { type: 'string', format: 'date-time' };
      case 'IntOrString':
        return { type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true };
      case 'any':
        return { type: 'object' };
    }
    need(t);
    return { $ref: `#/components/schemas/${schemaName(t)}` };
  };
  for (const [gvk, candidates] of Object.entries(roots)) {
    const cls = candidates.find((c) => existsSync(join(modelsDir, `${c}.js`)));
    if (!cls) continue;
    kinds[gvk] = schemaName(cls);
    need(cls);
  }
  while (pending.length) {
    const cls = pending.shift()!;
    const model = readModel(modelsDir, cls);
    if (!model) continue;
    const properties: Record<string, unknown> = {};
    for (const a of model.attributes) {
      const t = typeOf(a.type, a.format);
      const description = model.docs.get(a.name);
      // Like the API server's v3 documents: a reference with a description of its own goes in allOf.
      properties[a.baseName] = t.$ref ? { ...(description ? { description } : {}), allOf: [t] } : { ...(description ? { description } : {}), ...t };
    }
    const required = model.attributes.filter((a) => model.required.has(a.name)).map((a) => a.baseName);
    schemas[schemaName(cls)] = {
      ...(model.description ? { description: model.description } : {}),
      type: 'object',
      properties,
      ...(required.length ? { required } : {}),
    };
  }
  for (const [gvk, name] of Object.entries(kinds)) {
    const [group, version, kind] = gvk.split('/');
    if (schemas[name]) schemas[name]['x-kubernetes-group-version-kind'] = [{ group, kind, version }];
  }
  let specVersion = '';
  try {
    const any = readFileSync(join(modelsDir, 'V1Pod.js'), 'utf8');
    specVersion = any.match(/OpenAPI spec version: (\S+)/)?.[1] ?? '';
  } catch {
    // No version line: leave it empty.
  }
  return { specVersion, schemas, kinds };
}
