// The HTTP face of the demo cluster, by concern: server.ts (TLS, auth, faults), rest.ts
// (routing and verbs), negotiate.ts (representations), watch.ts and logs.ts (streams),
// body.ts (the request-body decoder), query.ts (parameters), connect.ts, channels.ts,
// portforward.ts and spdy.ts (exec, attach, port-forward).
export { ApiHttpServer } from './server';
export type { HttpServerOptions } from './server';
export { negotiate } from './negotiate';
export type { Render } from './negotiate';
