// Replaced at build time by esbuild.mjs with the generated schemas (gzip, base64): the bundles
// ship without node_modules. From a source checkout it stays undefined and the schemas are
// generated from node_modules/@kubernetes/client-node at first use.
export const EMBEDDED_SCHEMAS: string | undefined = undefined;
