// Types of testhost.mjs, for the TypeScript that uses it (test/bench).
import type { Browser } from 'playwright-core';
import type { ChildProcess } from 'node:child_process';

export const ROOT: string;
export const CODE_SERVER_VERSION: string;
export const CHROMIUM_ARGS: string[];
export function ensureCodeServer(): string;
export function findChromium(): string;
export function freePort(): Promise<number>;
export interface CodeServer {
  url: string;
  port: number;
  proc: ChildProcess;
  dir: string;
  stop(): void;
}
export function startCodeServer(options: {
  workspace: string;
  port?: number;
  settings?: Record<string, unknown>;
  env?: Record<string, string>;
  onOutput?: (line: string) => void;
  timeoutMs?: number;
  stateDir?: string;
  workspaceTrust?: boolean;
}): Promise<CodeServer>;
export function workbenchUrl(base: string, options: { workspace: string; extensionPath?: string; testsPath?: string; openFile?: string }): string;
export function launchChromium(options?: import('playwright-core').LaunchOptions): Promise<Browser>;
export function dismissWorkbenchNotifications(page: import('playwright-core').Page, ms?: number): Promise<void>;
export interface Bridge {
  page: import('playwright-core').Page | undefined;
  url: string;
  close(): void;
}
export function startBridge(resultsDir: string): Promise<Bridge>;
export function startClusterProcess(kubeconfig: string, extraArgs?: string[]): Promise<{ url?: string; stop(): Promise<void> }>;
export function demoSettings(kubeconfig: string): Record<string, unknown>;
