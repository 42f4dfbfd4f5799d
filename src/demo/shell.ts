// The simulated shell `kubectl exec` and `kubectl attach` talk to: it runs a script (or one
// command) with the commands of controllers/programs.ts against the cluster's network as it is
// at that moment, in real time (a `sleep 2` takes two seconds, a `wget -T 2` of an IP nobody
// holds times out after two), and, for `-it`, is an interactive `sh` with a prompt, line
// editing and Ctrl-C. No I/O here: output goes to callbacks, input comes in as bytes.
import { AndOr, ExecExtras, NetworkView, Step, Vars, parseScript, runPipeline } from './controllers/programs';

export interface ShellOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface ShellContext {
  net: () => NetworkView;
  namespace: string;
  podName: string;
  extras: ExecExtras;
  /** The prompt of an interactive shell (`/ # ` for busybox, `# ` for Debian-based images). */
  prompt: string;
}

/** Ends a running script early (Ctrl-C, the client went away). */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
  }
}

/** Real-time delays that an interrupt cuts short. */
class Clock {
  private timer?: NodeJS.Timeout;
  private wake?: (interrupted: boolean) => void;
  interrupted = false;

  sleep(ms: number): Promise<void> {
    if (this.interrupted) return Promise.reject(new Interrupted());
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.wake = (i) => (i ? reject(new Interrupted()) : resolve());
      this.timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
    });
  }

  interrupt(): void {
    this.interrupted = true;
    if (this.timer) clearTimeout(this.timer);
    const w = this.wake;
    this.wake = undefined;
    w?.(true);
  }
}

const EXIT_CODE_PLACEHOLDER = '\u0000?\u0000';

/** Loops run at most this long without a sleep in them before the shell takes a breath. */
const LOOP_BREATH_MS = 1000;
/** A `while true` loop in an exec ends after this many iterations (the client can always Ctrl-C). */
const MAX_LOOP_ITERATIONS = 100_000;

export class ScriptRunner {
  private readonly clock = new Clock();
  private exitRequested?: number;
  lastExit = 0;

  constructor(
    private readonly ctx: ShellContext,
    private readonly out: ShellOutput,
    /** Output is for a terminal: `\n` becomes `\r\n`. */
    private readonly tty: boolean,
  ) {}

  interrupt(): void {
    this.clock.interrupt();
  }

  /** `exit N` was run: the shell should end with this code. */
  get exitCode(): number | undefined {
    return this.exitRequested;
  }

  /** `$?` stays a placeholder until its statement runs, so it is the previous statement's code. */
  private vars(): Vars {
    return { ...(this.ctx.extras.env ?? {}), '?': EXIT_CODE_PLACEHOLDER };
  }

  private expandExit(p: string[][]): string[][] {
    return p.map((argv) => argv.map((w) => w.split(EXIT_CODE_PLACEHOLDER).join(String(this.lastExit))));
  }

  private write(stream: 'out' | 'err', text: string): void {
    if (text === '') return;
    const t = `${text}\n`;
    const s = this.tty ? t.replace(/\r?\n/g, '\r\n') : t;
    if (stream === 'out') this.out.stdout(s);
    else this.out.stderr(s);
  }

  private async steps(steps: Step[]): Promise<number> {
    let code = 0;
    for (const s of steps) {
      if (s.kind === 'sleep') {
        await this.clock.sleep(s.ms);
        code = 0;
      } else if (s.kind === 'exit') {
        this.exitRequested = s.code;
        return s.code;
      } else {
        await this.clock.sleep(s.delayMs);
        this.write(s.stream, s.text);
        code = s.exitCode;
      }
    }
    return code;
  }

  private async statement(st: AndOr): Promise<number> {
    let code = await this.steps(runPipeline(this.expandExit(st.first), this.ctx.net(), this.ctx.namespace, this.ctx.podName, this.ctx.extras));
    this.lastExit = code;
    for (const r of st.rest) {
      if (this.exitRequested !== undefined) break;
      if ((r.op === '&&') !== (code === 0)) continue;
      code = await this.steps(runPipeline(this.expandExit(r.pipeline), this.ctx.net(), this.ctx.namespace, this.ctx.podName, this.ctx.extras));
      this.lastExit = code;
    }
    this.lastExit = code;
    return code;
  }

  /** Runs a script to its end and returns its exit code (130 when interrupted). */
  async run(script: string): Promise<number> {
    try {
      const prog = parseScript(script, this.vars());
      let code = 0;
      for (const st of prog.prelude) {
        code = await this.statement(st);
        if (this.exitRequested !== undefined) return this.exitRequested;
      }
      if (!prog.loop) {
        for (const st of prog.body) {
          code = await this.statement(st);
          if (this.exitRequested !== undefined) return this.exitRequested;
        }
        return code;
      }
      for (let i = 0; i < MAX_LOOP_ITERATIONS; i++) {
        const started = Date.now();
        for (const st of prog.body) {
          code = await this.statement(st);
          if (this.exitRequested !== undefined) return this.exitRequested;
        }
        if (Date.now() - started < LOOP_BREATH_MS) await this.clock.sleep(LOOP_BREATH_MS - (Date.now() - started));
      }
      return code;
    } catch (e) {
      if (e instanceof Interrupted) {
        this.lastExit = 130;
        return 130;
      }
      throw e;
    }
  }
}

/** The argv an exec runs, as a script for {@link ScriptRunner}; undefined for an interactive shell. */
export function scriptOf(argv: string[]): string | undefined {
  const shells = ['sh', '/bin/sh', 'bash', '/bin/bash', 'ash', '/bin/ash'];
  if (shells.includes(argv[0])) {
    const c = argv.indexOf('-c');
    if (c > 0) return argv.slice(c + 1).join(' ');
    return undefined;
  }
  return argv.map((a) => (a === '' || /[\s'"|&;<>$]/.test(a) ? `'${a.replace(/'/g, `'\\''`)}'` : a)).join(' ');
}

/**
 * An interactive `sh`: reads input bytes, runs each line when Enter comes, prints a prompt.
 * With a terminal it echoes what is typed, handles Backspace, Ctrl-C (interrupts the running
 * command or drops the line) and Ctrl-D on an empty line (exit); without one it reads lines
 * as a script from a pipe and ends when the input closes.
 */
export class InteractiveShell {
  private line = '';
  private readonly queue: string[] = [];
  private running = false;
  private closed = false;
  private runner: ScriptRunner;
  private finish!: (code: number) => void;
  readonly done: Promise<number>;

  constructor(
    private readonly ctx: ShellContext,
    private readonly out: ShellOutput,
    private readonly tty: boolean,
  ) {
    this.runner = new ScriptRunner(ctx, out, tty);
    this.done = new Promise((r) => (this.finish = r));
  }

  start(): void {
    if (this.tty) this.out.stdout(this.ctx.prompt);
  }

  private end(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.runner.interrupt();
    this.finish(code);
  }

  /** The input side closed (stdin EOF): a piped shell finishes its queue, then exits. */
  endOfInput(): void {
    if (this.tty) return this.end(this.runner.lastExit);
    if (this.line.trim() !== '') this.queue.push(this.line);
    this.line = '';
    this.queue.push('\u0004');
    void this.pump();
  }

  /** The client went away. */
  kill(): void {
    this.end(137);
  }

  input(data: string): void {
    if (this.closed) return;
    if (!this.tty) {
      this.line += data;
      let i: number;
      while ((i = this.line.indexOf('\n')) >= 0) {
        this.queue.push(this.line.slice(0, i));
        this.line = this.line.slice(i + 1);
      }
      void this.pump();
      return;
    }
    for (const ch of data) {
      if (ch === '\u0003') {
        // Ctrl-C: interrupt what runs, or abandon the line being typed.
        if (this.running) this.runner.interrupt();
        else {
          this.line = '';
          this.out.stdout(`^C\r\n${this.ctx.prompt}`);
        }
      } else if (this.running) {
        // Typed ahead while a command runs: the terminal echoes it, the shell reads it later.
        if (ch === '\r' || ch === '\n') {
          this.queue.push(this.line);
          this.line = '';
          this.out.stdout('\r\n');
        } else {
          this.line += ch;
          this.out.stdout(ch);
        }
      } else if (ch === '\u0004') {
        if (this.line === '') {
          this.out.stdout('\r\n');
          return this.end(this.runner.lastExit);
        }
      } else if (ch === '\r' || ch === '\n') {
        this.out.stdout('\r\n');
        this.queue.push(this.line);
        this.line = '';
        void this.pump();
      } else if (ch === '\u007f' || ch === '\b') {
        if (this.line.length) {
          this.line = this.line.slice(0, -1);
          this.out.stdout('\b \b');
        }
      } else if (ch >= ' ' || ch === '\t') {
        this.line += ch;
        this.out.stdout(ch);
      }
    }
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length && !this.closed) {
        const line = this.queue.shift()!;
        if (line === '\u0004') return this.end(this.runner.lastExit);
        if (line.trim() !== '') {
          // A fresh runner per line: an earlier Ctrl-C must not cut the next command short.
          const runner = new ScriptRunner(this.ctx, this.out, this.tty);
          runner.lastExit = this.runner.lastExit;
          this.runner = runner;
          const code = await runner.run(line);
          if (code === 130 && this.tty) this.out.stdout('^C\r\n');
          if (runner.exitCode !== undefined) return this.end(runner.exitCode);
        }
        if (this.tty && !this.closed) this.out.stdout(this.ctx.prompt);
      }
    } finally {
      this.running = false;
    }
  }
}
