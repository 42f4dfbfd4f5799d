// Image references as containerd reports them: `nginx:1.28` is docker.io/library/nginx:1.28,
// `registry.k8s.io/coredns/coredns:v1.11.3` stays as it is; the image ID is the repository
// with a digest, one per name and tag (each tag of nginx is a different image).
import { createHash } from 'node:crypto';

export interface ImageRef {
  /** Fully qualified name and tag (or digest), as containerStatuses[].image shows it. */
  image: string;
  /** repository@sha256:…, as containerStatuses[].imageID shows it. */
  imageID: string;
}

export function normalizeImage(ref: string): ImageRef {
  let name = ref.trim();
  let digest: string | undefined;
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
  }
  let tag: string | undefined;
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
  }
  const first = name.split('/')[0];
  const hasRegistry = name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  let repo = hasRegistry ? name : `docker.io/${name.includes('/') ? name : `library/${name}`}`;
  if (repo.startsWith('index.docker.io/')) repo = `docker.io/${repo.slice('index.docker.io/'.length)}`;
  const image = digest ? `${repo}@${digest}` : `${repo}:${tag ?? 'latest'}`;
  const sha = digest ?? `sha256:${createHash('sha256').update(`${repo}:${tag ?? 'latest'}`).digest('hex')}`;
  return { image, imageID: `${repo}@${sha}` };
}

/** A containerd container ID (64 hex digits), stable for one container of one Pod life and restart. */
export function containerId(...parts: (string | number)[]): string {
  return `containerd://${createHash('sha256').update(parts.join('/')).digest('hex')}`;
}
