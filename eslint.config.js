import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** The modules that do no I/O (src/delivery also stays free of the framework and queue clients). */
const PURE_CORE = ['src/sources/**', 'src/targets/**', 'src/mapping/**', 'src/routing/**', 'src/rules/**', 'src/delivery/**']

// Each set lists `paths` entries of @typescript-eslint/no-restricted-imports: `allowTypeImports`
// lets `import type` through (a type names no runtime dependency).
const BULLMQ_OUTSIDE_QUEUE = { paths: [{ name: 'bullmq' }], patterns: [] }
const IOREDIS_OUTSIDE_STORE = {
  paths: [{ name: 'ioredis', allowTypeImports: true, message: 'Redis is reached through src/store/ (connections are made in src/compose/connections.ts); import type { Redis } is fine.' }],
  patterns: [],
}
const PURE_CORE_IMPORTS = {
  paths: ['hono', '@hono/node-server', 'bullmq', 'ioredis', 'pino', 'prom-client'].map((name) => ({ name })),
  patterns: ['../http/*', '../queue/*', '../store/*', 'hono/*'],
}

/**
 * The options of one restricted-imports entry, merged from several restriction sets. For a
 * package named by more than one set the later set's entry wins (the pure core's plain ban of
 * ioredis replaces the type-imports-allowed one).
 */
function restrictions(...sets) {
  const paths = new Map()
  for (const set of sets) {
    for (const entry of set.paths) paths.set(entry.name, entry)
  }
  return {
    paths: [...paths.values()],
    patterns: [...new Set(sets.flatMap((s) => s.patterns))],
  }
}

const RESTRICTED_IMPORTS = '@typescript-eslint/no-restricted-imports'

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.hookyard/'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // a dropped promise in a worker is a lost delivery
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      curly: ['error', 'multi-line'],
    },
  },
  {
    // tests read parsed JSON bodies freely; the assertions are the type check there
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  // One restricted-imports entry per file group, with every restriction that applies to it: a
  // later block replaces an earlier block's options for this rule, it does not add to them. The
  // rule is typescript-eslint's (it tells `import type` apart), so the groups name .ts files only.
  {
    // bullmq stays inside queue/; ioredis values (a client, its errors) inside store/
    files: ['src/**/*.ts'],
    ignores: ['src/queue/**'],
    rules: { [RESTRICTED_IMPORTS]: ['error', restrictions(BULLMQ_OUTSIDE_QUEUE, IOREDIS_OUTSIDE_STORE)] },
  },
  {
    files: ['src/queue/**/*.ts'],
    rules: { [RESTRICTED_IMPORTS]: ['error', restrictions(IOREDIS_OUTSIDE_STORE)] },
  },
  {
    // the store, and the connection factory that opens the clients it is given. The embedded
    // server's start-up asks the server it spawned (CONFIG SET maxmemory, INFO's process id) on a
    // one-off client of its own, before any hookyard connection exists.
    files: ['src/store/**/*.ts', 'src/compose/connections.ts', 'src/acquire-embedded-redis.ts'],
    rules: { [RESTRICTED_IMPORTS]: ['error', restrictions(BULLMQ_OUTSIDE_QUEUE)] },
  },
  {
    // the pure core: no HTTP framework, queue, Redis client (not even its types), store, logger or metrics client
    files: PURE_CORE.map((glob) => `${glob}/*.ts`),
    rules: { [RESTRICTED_IMPORTS]: ['error', restrictions(BULLMQ_OUTSIDE_QUEUE, IOREDIS_OUTSIDE_STORE, PURE_CORE_IMPORTS)] },
  },
  {
    // the dashboard's browser modules and the repository's own plain JS (configs, bin)
    files: ['**/*.js', '**/*.cjs'],
    extends: [js.configs.recommended],
    rules: { curly: ['error', 'multi-line'] },
  },
  {
    files: ['src/http/ui/assets/**/*.js'],
    languageOptions: { sourceType: 'module', globals: globals.browser },
  },
  {
    files: ['eslint.config.js', 'bin/**/*.js'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  }
)
