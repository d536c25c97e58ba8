/**
 * A token in a target URL's query (or user info) is a secret like any other: the rule set lists
 * its value, in every form it is sent in, so the masking of logs, the admin API and the dry run
 * hides it while the query key stays readable.
 */
import { describe, expect, it } from 'vitest'
import { buildRuleSet } from '../../../src/rules/build-rule-set.ts'
import { urlSecretValues } from '../../../src/rules/url-secret-values.ts'
import { maskSecrets } from '../../../src/secret-masking.ts'
import { httpPreset } from '../../../src/targets/http.ts'

const TOKEN = 's3cr3t-query-value-123'

function rulesWithUrl(url: string) {
  return buildRuleSet([{ path: 'rules/url.yaml', text: `targets:\n  out:\n    type: http\n    url: "${url}"\n` }], { env: {} })
}

describe('query values and user info of target URLs are secret values', () => {
  it('every query value of an http target url is masked, its key kept', () => {
    const url = `https://deploy.example.com/hook?token=${TOKEN}&team=ops`
    const { secretValues } = rulesWithUrl(url)
    expect(secretValues).toEqual(expect.arrayContaining([TOKEN, 'ops']))
    expect(maskSecrets(url, secretValues)).toBe('https://deploy.example.com/hook?token=***&team=***')
    // echoed by a target in JSON, or decoded into a form field: hidden as well
    expect(maskSecrets(JSON.stringify({ query: { token: TOKEN } }), secretValues)).toBe('{"query":{"token":"***"}}')
  })

  it('a value the URL encodes is masked as written, decoded and as a mapped query re-encodes it', () => {
    const values = urlSecretValues('https://h.example/hook?key=a+b%7Ec~d%21e')
    expect(values).toEqual(['a+b%7Ec~d%21e', 'a b~c~d!e', 'a+b%7Ec%7Ed%21e'])
    const { secretValues } = rulesWithUrl('https://h.example/hook?key=a+b%7Ec~d%21e')
    // the map's `query` makes URLSearchParams write the whole query again, in its own encoding
    const request = httpPreset.buildRequest({ query: { sha: 'abc' }, body: {} }, { url: 'https://h.example/hook?key=a+b%7Ec~d%21e', method: 'POST' })
    expect(request.url).toBe('https://h.example/hook?key=a+b%7Ec%7Ed%21e&sha=abc')
    expect(maskSecrets(request.url, secretValues)).toBe('https://h.example/hook?key=***&sha=abc')
    expect(maskSecrets('key is a b~c~d!e', secretValues)).toBe('key is ***')
  })

  it('user info: the password, or the user name when it is the only credential; keys without a value are no secret', () => {
    expect(urlSecretValues('https://bot:pa55word@h.example/')).toEqual(['pa55word', 'pa55word', 'pa55word'])
    expect(urlSecretValues('https://tok3n-as-user@h.example/')).toEqual(['tok3n-as-user', 'tok3n-as-user', 'tok3n-as-user'])
    expect(urlSecretValues('https://h.example/hook?flag&empty=')).toEqual(['', '', ''])
    expect(urlSecretValues('not a url')).toEqual([])
  })

  it('the http target refuses user info in its url, so credentials go in headers', () => {
    expect(() => rulesWithUrl('https://bot:pa55word@h.example/')).toThrow(/rules\/url\.yaml:4:10 target out: url: must not contain user:password@ credentials/)
  })
})
