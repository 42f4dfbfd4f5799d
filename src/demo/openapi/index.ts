// The OpenAPI v3 schemas `kubectl explain` reads, for the kinds the demo cluster serves (see
// generate.ts for where they come from).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { RESOURCE_TYPES } from '../resources';
import { EMBEDDED_SCHEMAS } from './embedded';
import { SchemaSet, generateSchemas } from './generate';

export type { SchemaSet } from './generate';

/** The client-node model classes that may hold each served kind (`group/version/Kind`). */
export function explainRoots(): Record<string, string[]> {
  const roots: Record<string, string[]> = {};
  const cap = (s: string) => s.replace(/^./, (c) => c.toUpperCase());
  for (const rt of RESOURCE_TYPES) {
    const v = cap(rt.version);
    const group = rt.group ? cap(rt.group.split('.')[0]) : 'Core';
    roots[`${rt.group}/${rt.version}/${rt.kind}`] = [`${v}${rt.kind}`, `${group}${v}${rt.kind}`];
  }
  return roots;
}

export function modelsDirOf(packageJson: string): string {
  return join(dirname(packageJson), 'dist', 'gen', 'models');
}

/** What esbuild embeds: the schema set, gzipped, base64. */
export function encodeSchemas(set: SchemaSet): string {
  return gzipSync(JSON.stringify(set)).toString('base64');
}

let cached: SchemaSet | null | undefined;

/** The schemas, or undefined when neither the bundle nor node_modules has them. */
export function schemaSet(): SchemaSet | undefined {
  if (cached !== undefined) return cached ?? undefined;
  try {
    if (EMBEDDED_SCHEMAS) cached = JSON.parse(gunzipSync(Buffer.from(EMBEDDED_SCHEMAS, 'base64')).toString('utf8')) as SchemaSet;
    else {
      const req = createRequire(__filename);
      cached = generateSchemas(modelsDirOf(req.resolve('@kubernetes/client-node/package.json')), explainRoots());
    }
  } catch {
    cached = null;
  }
  return cached ?? undefined;
}

/** The schemas a group-version's document needs: its kinds and everything they reference. */
export function schemasFor(set: SchemaSet, group: string, version: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const stack = Object.entries(set.kinds)
    .filter(([gvk]) => gvk.startsWith(`${group}/${version}/`))
    .map(([, name]) => name);
  while (stack.length) {
    const name = stack.pop()!;
    if (out[name] || !set.schemas[name]) continue;
    out[name] = set.schemas[name];
    JSON.stringify(set.schemas[name], (k, v) => {
      if (k === '$ref' && typeof v === 'string') stack.push(v.replace('#/components/schemas/', ''));
      return v;
    });
  }
  return out;
}
