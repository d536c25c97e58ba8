import { describe, expect, it } from 'vitest'
import { dryRunJson, formatDryRun } from '../../../src/dry-run/format-dry-run.ts'
import { buildInboundRequest } from '../../../src/dry-run/inbound-request.ts'
import { runDryRun } from '../../../src/dry-run/run-dry-run.ts'
import { buildRuleSet } from '../../../src/rules/build-rule-set.ts'
import { githubBranchPush } from '../../helpers/fixtures.ts'

const rules = buildRuleSet([
  {
    path: 'rules/flow.yaml',
    text: `
sources:
  github: { type: github, secret: s3cret-value }
targets:
  jenkins:
    type: http
    url: http://jenkins.example:8080/build
    concurrency: 2
    supersede: true
    cooldown_key: push.branch
    circuit: { failures: 5, pause: 5m }
  cooled:
    type: http
    url: http://cooled.example/build
    cooldown: 90s
  plain:
    type: http
    url: http://plain.example/build
routes:
  - { name: all, source: github, to: [jenkins, cooled, plain], map: '{ "body": { "sha": push.sha } }' }
`,
  },
])

describe('the dry run shows the flow control that applies to each delivery', () => {
  it('in JSON and as text; a target without any shows none', async () => {
    const body = Buffer.from(JSON.stringify(githubBranchPush()))
    const result = await runDryRun({ ruleSet: rules, sourceName: 'github', request: buildInboundRequest({ sourceType: 'github', body, headers: {}, event: 'push' }), userAgent: 'ua' })
    const branch = result.pushes[0]!.branch
    const [jenkins, cooled, plain] = result.routes[0]!.deliveries
    expect(jenkins!.flow).toEqual({ key: `jenkins/${branch}`, cooldown_ms: 0, concurrency: 2, supersede: true, circuit: { failures: 5, pause_ms: 300_000 } })
    expect(cooled!.flow).toEqual({ key: 'cooled', cooldown_ms: 90_000, concurrency: null, supersede: false, circuit: null })
    expect(plain!.flow).toBeUndefined()
    const json = dryRunJson(result, { dir: 'rules', version: rules.version }) as { routes: { deliveries: { flow?: unknown }[] }[] }
    expect(json.routes[0]!.deliveries[0]!.flow).toEqual(jenkins!.flow)
    const text = formatDryRun(result, { dir: 'rules', version: rules.version })
    expect(text).toContain(`           flow: key "jenkins/${branch}", concurrency 2, supersede, circuit 5 failures then pause 5m\n`)
    expect(text).toContain('           flow: cooldown 90s, key "cooled"\n')
    expect(text.match(/flow:/g)).toHaveLength(2)
  })
})
