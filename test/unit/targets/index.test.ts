import { describe, expect, it } from 'vitest'
import { compileExpression } from '../../../src/mapping/compile-expression.ts'
import { targetPresets } from '../../../src/targets/index.ts'

describe('targetPresets', () => {
  it('registers every preset of the contract under its own type', () => {
    expect([...targetPresets.keys()]).toEqual(['buildmaster', 'bitrise', 'gitlab', 'travis', 'myget', 'http', 'jenkins', 'github-actions', 'buildkite', 'circleci', 'azure-pipelines', 'teamcity', 'github-status', 'gitlab-status', 'bitbucket-status', 'gitea-status'])
    for (const [name, preset] of targetPresets) {
      expect(preset.type).toBe(name)
    }
  })

  it.each([...targetPresets.keys()])('%s: default map compiles', (name) => {
    expect(() => compileExpression(targetPresets.get(name)?.defaultMap ?? '')).not.toThrow()
  })

  it.each([...targetPresets.keys()])('%s: options schema reports unknown keys, including the stripped common ones', (name) => {
    const result = targetPresets.get(name)?.optionsSchema.safeParse({ cooldown: '5m' })
    expect(result?.success).toBe(false)
    expect(result?.error?.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true)
  })
})
