import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findPlaceholderSecrets } from '../../../src/rules/find-placeholder-secrets.ts'

describe('findPlaceholderSecrets', () => {
  const file = {
    path: 'rules/github.yaml',
    text: [
      'sources:',
      '  github: { type: github, secret: "${GITHUB_WEBHOOK_SECRET:-change-me}" }',
      '  old: { type: gitlab, secrets: ["${OLD_TOKEN:-change-me-old}", "${GITHUB_WEBHOOK_SECRET:-change-me}"] }',
      '  # token: ${COMMENTED_OUT:-change-me}',
      'targets:',
      '  ci: { type: http, url: "${CI_URL:-http://ci.example}", headers: { X-Key: "${CI_KEY:-change-me}" } }',
    ].join('\n'),
  }

  it('names each file and the unset variables whose placeholder is in use, each once', () => {
    expect(findPlaceholderSecrets([file], {})).toEqual([{ file: 'rules/github.yaml', variables: ['GITHUB_WEBHOOK_SECRET', 'OLD_TOKEN', 'CI_KEY'] }])
  })

  it('leaves out variables that are set, and files with nothing left to set', () => {
    expect(findPlaceholderSecrets([file], { GITHUB_WEBHOOK_SECRET: 's', OLD_TOKEN: '' })).toEqual([{ file: 'rules/github.yaml', variables: ['OLD_TOKEN', 'CI_KEY'] }])
    expect(findPlaceholderSecrets([file], { GITHUB_WEBHOOK_SECRET: 's', OLD_TOKEN: 'o', CI_KEY: 'k' })).toEqual([])
  })

  it('finds every placeholder of the shipped rules', () => {
    const files = readdirSync('rules')
      .filter((n) => n.endsWith('.yaml') && !n.startsWith('_'))
      .map((n) => ({ path: join('rules', n), text: readFileSync(join('rules', n), 'utf8') }))
    const variables = findPlaceholderSecrets(files, {}).flatMap((u) => u.variables)
    expect(variables.sort()).toEqual([
      'AZURE_DEVOPS_PAT',
      'BITBUCKET_WEBHOOK_SECRET',
      'BITRISE_TRIGGER_TOKEN',
      'BUILDKITE_API_TOKEN',
      'BUILDMASTER_API_KEY',
      'CIRCLECI_TOKEN',
      'GITHUB_ACTIONS_TOKEN',
      'GITHUB_ORG_WEBHOOK_SECRET',
      'GITHUB_WEBHOOK_SECRET',
      'GITLAB_TRIGGER_TOKEN',
      'GITLAB_WEBHOOK_TOKEN',
      'JENKINS_API_TOKEN',
      'JENKINS_BUILD_TOKEN',
      'NEXUS_WEBHOOK_SECRET',
      'NPM_HOOK_SECRET',
      'PROGET_WEBHOOK_TOKEN',
      'TEAMCITY_TOKEN',
      'TRAVIS_API_TOKEN',
    ])
  })
})
