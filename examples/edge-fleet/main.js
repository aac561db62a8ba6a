// Pulumi starts this file (Pulumi.yaml `main`): it runs the TypeScript program in index.ts through
// tsx. Type errors are caught by `npm run typecheck`, `npm test` and every `fleetwright` command.
require('tsx/cjs/api').register();
module.exports = require('./index.ts');
