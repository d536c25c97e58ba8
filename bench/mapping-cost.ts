import { buildEnvelopes } from '../src/sources/build-envelopes.ts'
import { sourceTypes } from '../src/sources/index.ts'
import { planDeliveries } from '../src/routing/plan-deliveries.ts'
import { buildRuleSet } from '../src/rules/build-rule-set.ts'
import type { InboundRequest } from '../src/sources/types.ts'

/** Microseconds per event for parse + normalize + when + map + request building, in this process. */
export async function measureMappingCost(rulesText: string, env: Record<string, string>, body: string, iterations: number): Promise<number> {
  const ruleSet = buildRuleSet([{ path: 'bench.yaml', text: rulesText }], { env })
  const source = ruleSet.sources.get('github')!
  const type = sourceTypes.get('github')!
  const req: InboundRequest = {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': 'bench' },
    query: {},
    rawBody: Buffer.from(body),
  }
  const once = async (i: number): Promise<void> => {
    const parsed = type.parse(req, source)
    const envelopes = buildEnvelopes(source, req, parsed, new Date())
    const plan = await planDeliveries({ eventId: `ev_${i}`, envelopes, ruleSet, userAgent: 'hookyard/bench' })
    if (plan.deliveries.length !== 1) {
      throw new Error('the bench route must produce exactly one delivery')
    }
  }
  for (let i = 0; i < 500; i++) await once(i) // warm up the JIT
  const started = process.hrtime.bigint()
  for (let i = 0; i < iterations; i++) await once(i)
  return Number(process.hrtime.bigint() - started) / 1000 / iterations
}
