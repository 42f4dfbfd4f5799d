// Certificates for the demo cluster: a CA generated at start and a server certificate it signs.
// kubectl and client-node verify the server against the CA carried in the kubeconfig, exactly as
// with a real cluster; nothing here disables verification.
import { generate } from 'selfsigned';

export interface DemoTls {
  /** PEM of the CA that signed the server certificate (goes into the kubeconfig). */
  caCert: string;
  serverCert: string;
  serverKey: string;
}

export async function generateDemoTls(hosts: string[] = ['127.0.0.1', 'localhost']): Promise<DemoTls> {
  const notBeforeDate = new Date(Date.now() - 60_000); // tolerate small clock skew between processes
  const notAfterDate = new Date(notBeforeDate.getTime() + 365 * 24 * 3600_000);
  // EC keys: generation takes milliseconds, where RSA 2048 takes a noticeable fraction of a second.
  const ca = await generate([{ name: 'commonName', value: 'pod-ip-lens-demo-ca' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const altNames = hosts.map((h) => (/^[0-9.]+$|:/.test(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h }));
  const server = await generate([{ name: 'commonName', value: 'kube-apiserver' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { caCert: ca.cert, serverCert: server.cert, serverKey: server.private };
}
