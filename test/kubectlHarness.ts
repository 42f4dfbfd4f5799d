// What the real-kubectl suites of the demo cluster share: a cluster with its kubeconfig in a
// temporary HOME, kubectl runs that collect what it prints, and polling with a deadline. Without
// kubectl the suite says so loudly and is skipped.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoCluster, DemoCluster } from '../src/demo';
import { findKubectl } from './kubectlPath';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

/** $KUBECTL, else the kubectl on PATH; empty when there is none (the suites then skip, loudly). */
export const KUBECTL = findKubectl() ?? '';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface KubectlHarness {
  cluster: DemoCluster;
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Runs kubectl; `input` goes to its standard input. */
  kubectl(args: string[], input?: string, timeoutMs?: number): Promise<Run>;
  /** Runs kubectl, asserts it succeeded, returns what it printed. */
  ok(...args: string[]): Promise<string>;
}

/**
 * Registers before/after hooks on the current mocha suite and returns the harness they fill:
 * a demo cluster at `speed`, and kubectl pointed at it.
 */
export function useKubectl(suiteName: string, speed = 4): KubectlHarness {
  const h = {} as KubectlHarness;
  h.kubectl = (args, input, timeoutMs = 60_000) =>
    new Promise((resolve) => {
      const child = execFile(KUBECTL, args, { env: h.env, timeout: timeoutMs }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as Any).code === 'number' ? (err as Any).code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
      if (input !== undefined) child.stdin!.end(input);
    });
  h.ok = async (...args) => {
    const r = await h.kubectl(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r.stdout;
  };
  before(async function () {
    if (!KUBECTL || !existsSync(KUBECTL)) {
      console.warn(`\n  !!! kubectl not found on PATH (or $KUBECTL): SKIPPING ${suiteName} !!!\n`);
      this.skip();
    }
    h.dir = mkdtempSync(join(tmpdir(), 'demo-kubectl-'));
    const kubeconfig = join(h.dir, 'kubeconfig');
    h.cluster = await startDemoCluster({ kubeconfigPath: kubeconfig, speed });
    h.env = { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(h.dir, 'cache'), HOME: h.dir };
  });
  after(async () => {
    await h.cluster?.stop();
    if (h.dir) rmSync(h.dir, { recursive: true, force: true });
  });
  return h;
}
