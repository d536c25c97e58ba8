/** The files `hookyard init` writes: one source, one target, one route and one regression case. */

/** A small GitHub push to main; the regression case and the signed test push both send it. */
export const STARTER_PAYLOAD = `${JSON.stringify(
  {
    ref: 'refs/heads/main',
    before: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
    after: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    repository: { full_name: 'octo-org/app', html_url: 'https://github.com/octo-org/app' },
    pusher: { name: 'octocat' },
    head_commit: { id: '6113728f27ae82c7b1a177c8d03f9e96e0adf246', message: 'Fix the build', author: { name: 'Octo Cat' } },
    commits: [],
  },
  null,
  2
)}\n`

/** Relative paths (from the rules directory) to the files, by role. */
export const STARTER_FILES = {
  rules: 'hookyard.yaml',
  testCase: 'tests/github-push-main.yaml',
  payload: 'tests/payloads/github-push-main.json',
} as const

/** `schemaPath`: the JSON Schema, relative to the rules directory. */
export function starterRules(schemaPath: string): string {
  return `# yaml-language-server: $schema=${schemaPath}
# Starter rules written by "hookyard init": a GitHub push to main triggers a build through an
# HTTP hook. Every key is explained in _example.yaml of the hookyard package (and its README).
# \${NAME:-default} reads the environment: set the real secret and URL before going live.

sources:
  github:                                   # the relay URL is POST /hooks/github
    type: github                            # verifies X-Hub-Signature-256 with the secret
    secret: \${GITHUB_WEBHOOK_SECRET:-change-me}

targets:
  build:
    type: http                              # any HTTP endpoint; presets exist for CI systems
    url: \${BUILD_HOOK_URL:-http://127.0.0.1:9000/build}
    retry: { attempts: 5, backoff: 2s }

routes:
  - name: main-to-build
    source: github
    when: push.branch = "main"              # JSONata over the normalized event
    map: |
      { "repo": push.repo, "sha": push.sha, "message": push.message }
    to: build
`
}

export const STARTER_CASE = `# Regression case: "hookyard test" sends the payload to the rules (nothing is sent, no Redis)
# and compares the planned requests with "expect". Run it in CI before deploying rule changes.

name: a push to main triggers the build
source: github
payload: payloads/github-push-main.json
event: push
expect:
  - route: main-to-build
    target: build
    request:
      method: POST
      url: http://127.0.0.1:9000/build
      body:
        repo: octo-org/app
        sha: 6113728f27ae82c7b1a177c8d03f9e96e0adf246
        message: Fix the build
`
