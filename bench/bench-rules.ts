/** The rule set the benchmark runs: one GitHub source, one route, one http target (one delivery per event). */
export function benchRules(targetUrl: string): string {
  return `
sources:
  github:
    type: github
    secret: \${BENCH_SECRET}
targets:
  ci:
    type: http
    url: ${targetUrl}/build
    retry: { attempts: 3, backoff: 100ms }
routes:
  - name: pushes
    source: github
    when: event = "push" and push.branch != null
    to: ci
    map: |
      { "body": { "branch": push.branch, "sha": push.sha, "message": push.message, "repo": push.repo } }
`
}

export const BENCH_SECRET = 'bench-secret-0123456789'
