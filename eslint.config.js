import tseslint from 'typescript-eslint'

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
  {
    // the pure core: no HTTP framework, queue, Redis client, logger or metrics client
    files: ['src/sources/**', 'src/targets/**', 'src/mapping/**', 'src/routing/**', 'src/rules/**', 'src/delivery/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['hono', '@hono/node-server', 'bullmq', 'ioredis', 'pino', 'prom-client'], patterns: ['../http/*', '../queue/*'] },
      ],
    },
  },
  {
    // bullmq stays inside queue/ (and the composition root)
    files: ['src/**'],
    ignores: ['src/queue/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['bullmq'] }],
    },
  }
)
