/**
 * watcher/Dockerfile (for hosts with a daemon) and the project's own image script must run the
 * watcher the same way: same node flags, same bundle path, same user.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imagePaths, nonRootUid, watcherNodeFlags } from './image-layers.js';

const dockerfile = readFileSync(join(import.meta.dirname, '..', 'Dockerfile'), 'utf8');

describe('watcher/Dockerfile', () => {
  it("should run the bundle with the image script's node flags", () => {
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(cmd).toBeDefined();
    expect(JSON.parse(cmd!)).toEqual([...watcherNodeFlags, imagePaths.bundle]);
  });

  it("should run as the image script's non-root user on the Node.js major it pins", () => {
    expect(dockerfile).toMatch(new RegExp(`^USER ${nonRootUid}:${nonRootUid}$`, 'm'));
    const runtime = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', 'scripts', 'node-runtime.json'), 'utf8'),
    ) as { version: string };
    expect(dockerfile).toContain(`FROM node:${runtime.version}-bookworm-slim AS build`);
    expect(dockerfile).toContain(`nodejs${runtime.version.split('.')[0]}-debian12:nonroot`);
  });
});
