// Pulumi starts this file (Pulumi.yaml `main`): it runs the TypeScript program in index.ts through
// tsx. Type errors are caught by `npm run typecheck`, `npm test` and every `fleetwright` command.
// tsx slows down every module loaded while it is registered, so it is registered for index.ts and
// your fleet only: fleetwright and Pulumi (JavaScript) load before it, and modules loaded later
// (the Kubernetes client, once `up` reads the clusters) after it.
require('fleetwright/pulumi');
const unregister = require('tsx/cjs/api').register();
module.exports = require('./index.ts');
unregister();
