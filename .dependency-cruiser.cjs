/**
 * Module-graph rules for src/, checked by `npm run lint` (and so by CI): no import cycles, the
 * pure core (sources, rules, mapping, targets, routing) reaches no HTTP framework, queue, Redis
 * client, logger or metrics client, not even through a module it imports, and the store (Redis
 * keys, scripts, records) imports nothing of the layers that use it.
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
    {
      name: 'store-below-queue',
      severity: 'error',
      comment: 'src/store/ owns Redis and nothing above it: the queue, HTTP, ingest and composition use the store, never the reverse.',
      from: { path: '(^|/)src/store/' },
      to: { path: ['(^|/)src/(queue|http|ingest|compose|schedule|reload|cli|notify|redeliver|dry-run)/', '(^|/)node_modules/bullmq/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
}
