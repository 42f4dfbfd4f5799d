// Public surface of the manifest linter (pure: no vscode, no I/O).
export * from './rules';
export * from './lint';
export * from './fixes';
export * from './manifestIndex';
export { scanIps, mayContainIp, type IpMatch } from './scan';
export { parseIp, parseCidr, cidrContains, classifyIp, formatIp, isPublicResolver, ipVersion, type ParsedIp, type IpClass, type Cidr } from './ip';
export { splitDocuments, LineIndex, hashText, type DocumentSlice } from './documents';
