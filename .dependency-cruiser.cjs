/**
 * Module-graph rules for src/, checked by `npm run lint` (and so by CI): no import cycles, and the
 * pure core (sources, rules, mapping, targets, routing) reaches no HTTP framework, queue, Redis
 * client, logger or metrics client, not even through a module it imports.
 */
// '(^|/)src/': also a fixture tree laid out like src/ (test/fixtures/import-graph), which proves the rules bite
const PURE_CORE = '(^|/)src/(sources|rules|mapping|targets|routing)/'
const IO_PACKAGES = '(^|/)node_modules/(hono|@hono/node-server|bullmq|ioredis|pino|prom-client)/'

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle makes load order matter and hides which module owns what.',
      from: { path: '(^|/)src/' },
      to: { circular: true },
    },
    {
      name: 'pure-core-no-io',
      severity: 'error',
      comment: 'The pure core does no I/O: it is run by the dry run, the check and the tests without Redis or a server.',
      from: { path: PURE_CORE },
      to: { path: IO_PACKAGES, reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
}
