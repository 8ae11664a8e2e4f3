#!/usr/bin/env node
// The `skytells` binary. A committed file, so that `npm ci` links it even before the build
// has made dist/: the command itself is dist/main.js (packages/cli/src/main.ts).
import '../dist/main.js';
