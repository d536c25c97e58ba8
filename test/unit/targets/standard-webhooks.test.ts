import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { httpPreset } from '../../../src/targets/http.ts'
import { signStandardWebhook } from '../../../src/targets/standard-webhooks.ts'
import { optionIssues } from './sample-envelopes.ts'

const SECRET = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')
const request = { method: 'POST', url: 'https://deploy.example.com/hook', headers: { 'Content-Type': 'application/json' }, body: '{"ref":"main"}' }
const moment = { id: 'ev_abc-1', timestampSeconds: 1_796_352_000 }

describe('Standard Webhooks signing (http signing_secret)', () => {
  it('signs like the reference implementation and verifies with it', () => {
    const signed = signStandardWebhook(request, SECRET, moment)
    const reference = new Webhook(SECRET)
    expect(signed.headers['webhook-signature']).toBe(reference.sign(moment.id, new Date(moment.timestampSeconds * 1000), request.body))
    expect(signed.headers).toMatchObject({ 'Content-Type': 'application/json', 'webhook-id': 'ev_abc-1', 'webhook-timestamp': '1796352000' })
    expect(signed.body).toBe(request.body)
    expect(signed.url).toBe(request.url)
    // the reference verifier also checks the timestamp is recent: sign one for now
    const now = signStandardWebhook(request, SECRET, { id: 'ev_abc-1', timestampSeconds: Math.floor(Date.now() / 1000) })
    expect(reference.verify(now.body, now.headers)).toEqual({ ref: 'main' })
  })

  it('replaces webhook-* headers of the same name whatever their case, so a map cannot forge them', () => {
    const forged = { ...request, headers: { 'Webhook-Signature': 'v1,forged', 'WEBHOOK-ID': 'x' } }
    const signed = signStandardWebhook(forged, SECRET, moment)
    expect(Object.keys(signed.headers).filter((n) => n.toLowerCase().startsWith('webhook-')).sort()).toEqual([
      'webhook-id',
      'webhook-signature',
      'webhook-timestamp',
    ])
  })

  it('http: signs only with signing_secret, which is masked like every secret option', () => {
    const plain = httpPreset.optionsSchema.parse({ url: 'https://deploy.example.com/hook' })
    expect(httpPreset.signAttempt?.(request, plain, moment)).toBe(request)
    const signing = httpPreset.optionsSchema.parse({ url: 'https://deploy.example.com/hook', signing_secret: SECRET })
    expect(httpPreset.signAttempt?.(request, signing, moment).headers['webhook-id']).toBe('ev_abc-1')
    expect(httpPreset.secretOptions).toContain('signing_secret')
  })

  it('http: a signing_secret that is not whsec_ + base64 of 24 to 64 bytes says what is expected', () => {
    const issues = (secret: string) =>
      optionIssues(httpPreset.optionsSchema.safeParse({ url: 'https://deploy.example.com/hook', signing_secret: secret }))
    expect(issues('hunter2')).toEqual(['signing_secret: must be "whsec_" followed by base64, e.g. "whsec_$(openssl rand -base64 32)"'])
    expect(issues('whsec_not base64!')).toHaveLength(1)
    expect(issues('whsec_' + Buffer.from('short').toString('base64'))).toEqual(['signing_secret: must decode to 24 to 64 bytes, got 5'])
    expect(issues(SECRET)).toEqual([])
  })
})
