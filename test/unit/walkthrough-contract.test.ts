// The walkthrough as package.json declares it: each step completes on an event of its own (no two
// steps share a command, so one click cannot tick another step), every command it links to is a
// contributed command, and every step's page exists. The workbench side is
// test/integration/workshop.test.ts, which clicks the steps and reads their ticks.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  contributes: {
    commands: { command: string }[];
    walkthroughs: { id: string; steps: { id: string; description: string; completionEvents?: string[]; media: { markdown?: string } }[] }[];
  };
};
const [walkthrough] = pkg.contributes.walkthroughs;
const linked = (description: string) => [...description.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]);

describe('walkthrough contract (package.json)', () => {
  it('every step completes on an event, and no event completes two steps', () => {
    const seen = new Map<string, string>();
    for (const step of walkthrough.steps) {
      assert.ok(step.completionEvents?.length, `step ${step.id} has completionEvents`);
      for (const e of step.completionEvents!) {
        assert.ok(!seen.has(e), `${e} completes both ${seen.get(e)} and ${step.id}`);
        seen.set(e, step.id);
      }
    }
  });

  it("a step's completing command is linked from that step only", () => {
    for (const step of walkthrough.steps) {
      for (const e of step.completionEvents ?? []) {
        const m = /^onCommand:(.+)$/.exec(e);
        if (!m) continue;
        assert.ok(linked(step.description).includes(m[1]), `step ${step.id} links to ${m[1]}`);
        for (const other of walkthrough.steps.filter((s) => s !== step)) {
          assert.ok(!linked(other.description).includes(m[1]), `step ${other.id} also links to ${m[1]}, which ticks ${step.id}`);
        }
      }
    }
  });

  it('links only to contributed commands, and every page exists', () => {
    const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
    for (const step of walkthrough.steps) {
      for (const c of linked(step.description)) assert.ok(contributed.has(c), `step ${step.id} links to ${c}, which package.json does not contribute`);
      assert.ok(step.media.markdown && existsSync(join(root, step.media.markdown)), `step ${step.id}: ${step.media.markdown} exists`);
    }
  });

  it('the pages keep command lines short enough to read at 1000×700 (no line of a code block over 44 characters)', () => {
    for (const step of walkthrough.steps) {
      const md = readFileSync(join(root, step.media.markdown!), 'utf8');
      const blocks = [...md.matchAll(/```[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1]);
      for (const line of blocks.join('').split('\n')) assert.ok(line.length <= 44, `${step.media.markdown}: "${line}" (${line.length})`);
    }
  });
});
