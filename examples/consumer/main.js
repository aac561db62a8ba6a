// Pulumi starts this file (Pulumi.yaml `main`): it runs the TypeScript program in main.ts through tsx.
require('tsx/cjs/api').register();
module.exports = require('./main.ts');
