import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { buildRuleSet } from '../../../src/rules/build-rule-set.ts'
import { planDeliveries } from '../../../src/routing/plan-deliveries.ts'
import type { TargetPreset } from '../../../src/targets/types.ts'
import { envelope } from '../targets/sample-envelopes.ts'

interface ModeOptions extends Record<string, unknown> {
  url: string
  user: string
  token: string
  mode: 'a' | 'b'
}

/** A preset whose default map and wire credential depend on its options. */
const modePreset: TargetPreset<ModeOptions> = {
  type: 'mode-ci',
  optionsSchema: z.object({ url: z.string(), user: z.string(), token: z.string(), mode: z.enum(['a', 'b']) }).strict(),
  secretOptions: ['token'],
  defaultMap: '{ "unused": true }',
  defaultMapFor: (options) => (options.mode === 'a' ? '{ "mode": "a", "event": event }' : '{ "mode": "b", "source": source }'),
  derivedSecrets: (options) => [Buffer.from(`${options.user}:${options.token}`).toString('base64')],
  defaultCooldownMs: 0,
  buildRequest: (mapped, options) => ({ method: 'POST', url: options.url, headers: {}, body: JSON.stringify(mapped) }),
}

const RULES = `
sources:
  in: { type: generic, verify: none }
targets:
  first: { type: mode-ci, url: "http://a.test", user: alice, token: secret-token-1, mode: a }
  second: { type: mode-ci, url: "http://b.test", user: bob, token: secret-token-2, mode: b }
routes:
  - name: both
    source: in
    to: [first, second]
`

describe('presets whose default map and secrets depend on their options', () => {
  const ruleSet = buildRuleSet([{ path: 'rules/t.yaml', text: RULES }], {
    env: {},
    targetPresets: new Map<string, TargetPreset>([['mode-ci', modePreset]]),
  })

  it('each target gets the default map for its own options', async () => {
    const result = await planDeliveries({
      eventId: 'e1',
      envelopes: [envelope({ source: 'in', type: 'generic', event: 'build' })],
      ruleSet,
      userAgent: 'hookyard/test',
    })
    expect(result.deliveries.map((d) => [d.target, d.request && (JSON.parse(d.request.body) as unknown)])).toEqual([
      ['first', { mode: 'a', event: 'build' }],
      ['second', { mode: 'b', source: 'in' }],
    ])
  })

  it('derived secret values are masked like the options they come from', () => {
    expect(ruleSet.secretValues).toEqual(
      expect.arrayContaining(['secret-token-1', Buffer.from('alice:secret-token-1').toString('base64'), Buffer.from('bob:secret-token-2').toString('base64')])
    )
  })
})
