/**
 * Standard Webhooks secrets that decode to no key (or too short a one) are refused when the rules
 * load, wherever a secret is read as a key: the standard-webhooks source, gitlab's signing token
 * and an http target's signing_secret. Otherwise `whsec_` (a variable that expanded to nothing)
 * would key the HMAC with zero bytes, and anyone could sign a request hookyard accepts.
 */
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { formatRuleProblem, RuleError } from '../../../src/errors.ts'
import { buildRuleSet } from '../../../src/rules/build-rule-set.ts'
import { standardWebhooksSource } from '../../../src/sources/standard-webhooks.ts'
import { standardWebhooksHeaders } from '../../helpers/sign.ts'
import { expectCode, inbound, sourceConfig } from '../sources/request.ts'

const FILE = 'rules/keys.yaml'
/** 24 bytes, as Svix makes them */
const GOOD = 'whsec_' + Buffer.from('a-good-24-byte-key-here!').toString('base64')
const NOT_BASE64 =
  'is not "whsec_" followed by base64 (letters, digits, "+" and "/", padded with "=" to a multiple of 4 characters): copy the sender\'s secret exactly'
const tooShort = (bytes: number): string =>
  `decodes to ${bytes} bytes, fewer than the 16 a Standard Webhooks key needs: copy the sender's secret exactly (is its variable set?)`

function load(text: string, env: Record<string, string> = {}) {
  return buildRuleSet([{ path: FILE, text }], { env })
}

function problems(text: string, env: Record<string, string> = {}): string[] {
  try {
    load(text, env)
  } catch (err) {
    if (err instanceof RuleError) return err.problems.map(formatRuleProblem)
    throw err
  }
  throw new Error('expected the rules to be refused')
}

const source = (type: string, secret: string, extra = '') => `
sources:
  in:
    type: ${type}
    secret: "${secret}"${extra}
`

describe('Standard Webhooks keys are checked when the rules load', () => {
  it('standard-webhooks source: an empty key, also from an unset variable, is refused at the secret', () => {
    expect(problems(source('standard-webhooks', 'whsec_'))).toEqual([`${FILE}:5:13 source in: secret ${tooShort(0)}`])
    expect(problems(source('standard-webhooks', 'whsec_${SW_SECRET:-}'))).toEqual([`${FILE}:5:13 source in: secret ${tooShort(0)}`])
  })

  it('standard-webhooks source: characters that are not base64 are an error, not skipped', () => {
    // Buffer.from('!!!!', 'base64') is empty: without the check this was the empty key again
    expect(problems(source('standard-webhooks', 'whsec_!!!!'))).toEqual([`${FILE}:5:13 source in: secret ${NOT_BASE64}`])
    expect(problems(source('standard-webhooks', `${GOOD}\\n`))).toEqual([`${FILE}:5:13 source in: secret ${NOT_BASE64}`])
    expect(problems(source('standard-webhooks', GOOD.slice(0, -1)))).toEqual([`${FILE}:5:13 source in: secret ${NOT_BASE64}`])
  })

  it('standard-webhooks source: a key under 16 bytes is refused, 16 bytes and more load, with or without whsec_', () => {
    const bytes = (n: number) => 'whsec_' + Buffer.alloc(n, 7).toString('base64')
    expect(problems(source('standard-webhooks', bytes(15)))).toEqual([`${FILE}:5:13 source in: secret ${tooShort(15)}`])
    expect(load(source('standard-webhooks', bytes(16))).sources.get('in')?.secrets).toEqual([bytes(16)])
    expect(load(source('standard-webhooks', GOOD.slice('whsec_'.length))).sources.has('in')).toBe(true)
  })

  it('each of secrets is checked, at its own list item; the message never shows the secret', () => {
    const text = `
sources:
  in:
    type: standard-webhooks
    secrets:
      - ${GOOD}
      - "whsec_c2hvcnQ="
`
    const found = problems(text)
    expect(found).toEqual([`${FILE}:7:9 source in: a secret in secrets ${tooShort(5)}`])
    expect(found.join('\n')).not.toContain('c2hvcnQ')
  })

  it('gitlab: a signing token is a key and is checked; a plain X-Gitlab-Token is not', () => {
    const signing = '\n    auth: signing-token'
    expect(problems(source('gitlab', 'whsec_', signing))).toEqual([`${FILE}:5:13 source in: secret ${tooShort(0)}`])
    expect(problems(source('gitlab', 'whsec_!!!!', signing))).toEqual([`${FILE}:5:13 source in: secret ${NOT_BASE64}`])
    expect(load(source('gitlab', GOOD, signing)).sources.get('in')?.options).toEqual({ auth: 'signing-token' })
    expect(load(source('gitlab', 'plain-token!')).sources.has('in')).toBe(true)
  })

  it('http target: signing_secret must be whsec_ + base64 of 24 to 64 bytes', () => {
    const target = (secret: string) => `
targets:
  out:
    type: http
    url: https://deploy.example.com/hook
    signing_secret: "${secret}"
`
    const expected = 'target out: signing_secret: must be "whsec_" followed by base64, e.g. "whsec_$(openssl rand -base64 32)"'
    expect(problems(target('whsec_'))).toEqual([`${FILE}:6:21 ${expected}`])
    expect(problems(target('whsec_!!!!'))).toEqual([`${FILE}:6:21 ${expected}`])
    expect(problems(target('whsec_${SIGNING_SECRET:-}'))).toEqual([`${FILE}:6:21 ${expected}`])
    expect(problems(target('whsec_' + Buffer.alloc(16).toString('base64')))).toEqual([
      `${FILE}:6:21 target out: signing_secret: must decode to 24 to 64 bytes, got 16`,
    ])
    expect(load(target(GOOD)).targets.has('out')).toBe(true)
  })

  it('a request signed with the empty key verifies nothing, even for a source that bypassed the loader', () => {
    const body = JSON.stringify({ type: 'invoice.paid', data: {} })
    const at = new Date('2026-12-04T03:00:00Z')
    // what an attacker sends when the configured secret is `whsec_`: the HMAC keyed with no bytes
    const headers = standardWebhooksHeaders(null, 'msg_1', body, at)
    const emptyKeySignature = createHmac('sha256', Buffer.alloc(0)).update(`msg_1.${headers['webhook-timestamp']}.${body}`).digest('base64')
    headers['webhook-signature'] = `v1,${emptyKeySignature}`
    for (const secret of ['whsec_', 'whsec_!!!!']) {
      const config = sourceConfig('standard-webhooks', [secret])
      expectCode(() => standardWebhooksSource.verify(inbound(headers, body), config, at), 'SIGNATURE_MISMATCH')
    }
  })
})
