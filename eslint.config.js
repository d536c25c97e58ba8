import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** The modules that do no I/O (src/delivery also stays free of the framework and queue clients). */
const PURE_CORE = ['src/sources/**', 'src/targets/**', 'src/mapping/**', 'src/routing/**', 'src/rules/**', 'src/delivery/**']

const BULLMQ_OUTSIDE_QUEUE = { paths: ['bullmq'], patterns: [] }
const PURE_CORE_IMPORTS = {
  paths: ['hono', '@hono/node-server', 'bullmq', 'ioredis', 'pino', 'prom-client'],
  patterns: ['../http/*', '../queue/*', 'hono/*'],
}

/** The options of one `no-restricted-imports` entry, merged from several restriction sets. */
function restrictions(...sets) {
  return {
    paths: [...new Set(sets.flatMap((s) => s.paths))],
    patterns: [...new Set(sets.flatMap((s) => s.patterns))],
  }
}


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
  // One `no-restricted-imports` entry per file group, with every restriction that applies to it:
  // a later block replaces an earlier block's options for this rule, it does not add to them.
  {
    // bullmq stays inside queue/
    files: ['src/**'],
    ignores: ['src/queue/**'],
    rules: { 'no-restricted-imports': ['error', restrictions(BULLMQ_OUTSIDE_QUEUE)] },
  },
  {
    // the pure core: no HTTP framework, queue, Redis client, logger or metrics client
    files: PURE_CORE,
    rules: { 'no-restricted-imports': ['error', restrictions(BULLMQ_OUTSIDE_QUEUE, PURE_CORE_IMPORTS)] },
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
