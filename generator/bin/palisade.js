#!/usr/bin/env node
// The installed `palisade` command. It exists before the first build, so `npm ci` can link it;
// the CLI itself is compiled to dist/ by `npm run build`.
import '../dist/cli/main.js';
