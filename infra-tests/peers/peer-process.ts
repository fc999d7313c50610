import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PeerNotInstalledError, PeerStartError } from './errors.js';
import type { RunningPeer } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Pinned peer versions: infra-tests/peers/versions.json is their single source. */
export function peerVersions(): Record<string, string> {
  return JSON.parse(readFileSync(join(here, 'versions.json'), 'utf8')) as Record<string, string>;
}

/** Where the install scripts put `<peer>-<version>`: outside the clone, so fresh clones reuse it. */
export function peerCacheDir(peer: string, version: string): string {
  const root = process.env.FLEET_SECRETS_CACHE ?? join(homedir(), '.cache', 'fleet-secrets');
  return join(root, `${peer}-${version}`);
}

/** Throws naming the install script when a peer's file is missing from the cache. */
export function requireInstalled(peer: string, path: string, installScript: string): string {
  if (!existsSync(path)) {
    throw new PeerNotInstalledError(peer, path, join('infra-tests', 'peers', installScript));
  }
  return path;
}

/** Asks the kernel for a port that is free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface SpawnPeerOptions {
  name: string;
  command: string;
  args: string[];
  runDir: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface SpawnedPeer extends RunningPeer {
  /** Resolves with a description of how the process ended (exit code or signal). */
  readonly exited: Promise<string>;
  hasExited(): boolean;
}

const stopGraceMs = 5_000;

/**
 * Starts a peer in its own process group with stdout and stderr in `<runDir>/<name>.log`, so that
 * `stop` can end the server together with anything it forked (moto's reloader, Java helpers).
 */
export function spawnPeer(options: SpawnPeerOptions): SpawnedPeer {
  mkdirSync(options.runDir, { recursive: true });
  const logFile = join(options.runDir, `${options.name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(options.command, options.args, {
    cwd: options.cwd ?? options.runDir,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  child.unref();
  let ended = false;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      ended = true;
      resolve(signal ? `killed by ${signal}` : `exit code ${code}`);
    });
    child.once('error', (error) => {
      ended = true;
      resolve(`could not start: ${error.message}`);
    });
  });
  let stopping: Promise<void> | undefined;
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (ended) {
        signalGroup('SIGKILL');
        return;
      }
      // Keeps this process alive until the peer is really gone (it was unref'd at spawn).
      child.ref();
      signalGroup('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const graceful = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), stopGraceMs);
        }),
      ]);
      clearTimeout(timer);
      // Children that ignored SIGTERM (or outlived the leader) go down with the whole group.
      signalGroup('SIGKILL');
      if (!graceful) await exited;
    })();
    return stopping;
  };
  return { name: options.name, logFile, stop, exited, hasExited: () => ended };
}

export interface WaitForPeerOptions {
  /** Resolves true once the peer answers as a healthy server; may throw while it is starting. */
  probe: () => Promise<boolean>;
  timeoutMs: number;
  intervalMs?: number;
}

/**
 * Polls `probe` until it passes. Fails fast when the process exits, and on timeout stops the
 * process; either way the error names the peer and its log file.
 */
export async function waitForPeer(peer: SpawnedPeer, options: WaitForPeerOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 200;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (peer.hasExited()) {
      await peer.stop();
      throw new PeerStartError(
        peer.name,
        peer.logFile,
        `the process ended early (${await peer.exited})`,
        true,
      );
    }
    try {
      if (await options.probe()) return;
      lastProblem = 'not healthy yet';
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  await peer.stop();
  throw new PeerStartError(
    peer.name,
    peer.logFile,
    `not healthy after ${options.timeoutMs} ms (last: ${lastProblem})`,
  );
}

/**
 * Runs `start` on a fresh free port, again on another when the server died early: between
 * freePort and the server's bind another process (or a parallel test run) may take the port.
 */
export async function onFreePort<T>(start: (port: number) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt >= attempts || !(error instanceof PeerStartError) || !error.exitedEarly) throw error;
    }
  }
}

/** A fetch that gives up after `timeoutMs`, so one hung probe cannot outlast the deadline. */
export async function fetchWithTimeout(url: string, init: RequestInit = {}, timeoutMs = 2_000) {
  return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}
