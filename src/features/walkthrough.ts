// Commands the "Pod IP Lens: the ephemeral Pod IP" walkthrough links to, beyond the demo cluster's.
import * as vscode from 'vscode';

/** A manifest with the mistake the lesson is about: a frontend pinned to Pod IPs. */
export const SAMPLE_MANIFEST = `# A frontend that reaches the backend through Pod IPs copied from "kubectl get pods -o wide".
# It works until the next rollout replaces those Pods. Hover over an IP, then use the light bulb.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
  namespace: default
spec:
  replicas: 1
  selector:
    matchLabels:
      app: frontend
  template:
    metadata:
      labels:
        app: frontend
    spec:
      containers:
        - name: web
          image: nginx:1.28
          env:
            - name: BACKEND_URL
              value: "http://10.244.1.2:80/api"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: frontend-nginx
  namespace: default
data:
  nginx.conf: |
    server {
      listen 8080;
      location /api/ {
        proxy_pass http://10.244.2.2:80;
      }
    }
`;

export function registerWalkthrough(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('podIpLens.openSampleManifest', async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: SAMPLE_MANIFEST });
      return vscode.window.showTextDocument(doc);
    }),
    vscode.commands.registerCommand('podIpLens.openWalkthrough', () =>
      vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#podIpLens.lesson`, false),
    ),
  );
}
