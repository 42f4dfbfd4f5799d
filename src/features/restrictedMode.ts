// Workspace Trust. In Restricted Mode (an untrusted folder, e.g. a repository opened to review it)
// the linter and its offline fixes work; every cluster feature is off, because a cluster feature
// reads a kubeconfig and can run its exec plugin, and talks to a cluster. The first time one is
// wanted, one notification says so and offers to manage trust; a cluster command run on purpose
// says it again (VS Code shows one toast for identical messages).
import * as vscode from 'vscode';

type Log = Pick<vscode.LogOutputChannel, 'info'>;

export const RESTRICTED_MESSAGE =
  'Pod IP Lens: this workspace is in Restricted Mode, so cluster features are off (hovers on IPs, fixes from the cluster, node-IP messages, the timeline and the demo cluster). Linting and its offline fixes work.';
export const MANAGE_TRUST = 'Manage Workspace Trust';

export class RestrictedModeNotice {
  private shown = false;
  private readonly logged = new Set<string>();
  /** Notifications shown (for tests). */
  count = 0;

  constructor(private readonly log: Log) {}

  /** `feature` was wanted in Restricted Mode; `explicit` when the user ran a command for it. */
  notify(feature: string, explicit: boolean): void {
    if (!this.logged.has(feature)) {
      this.logged.add(feature);
      this.log.info(`Restricted Mode: ${feature} is off until the workspace is trusted`);
    }
    if (this.shown && !explicit) return;
    this.shown = true;
    this.count++;
    void vscode.window.showInformationMessage(RESTRICTED_MESSAGE, MANAGE_TRUST).then((choice) => {
      if (choice === MANAGE_TRUST) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  }
}
