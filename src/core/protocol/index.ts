// The host⇄webview protocol: message shapes, their validation, the packed snapshot, the host's
// batching and stream, and the page shell. Pure: no vscode, no I/O.
export * from './messages';
export * from './validate';
export * from './packedSnapshot';
export * from './batcher';
export * from './stream';
export * from './page';
export * from './duration';
export * from './referenceText';
