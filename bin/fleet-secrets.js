#!/usr/bin/env node
// Runs the TypeScript CLI straight from the repository: tsx compiles it on the fly (and caches).
import { register } from 'tsx/esm/api';

// The project runs on Node 20 by choice; the SDK's notice about its future Node 22 floor is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../cli/main.ts');
