import { describe, expect, it } from 'vitest'
import { BodyError } from '../../../src/errors.ts'
import { formPayloadText, parseBody, parseJson } from '../../../src/sources/parse-body.ts'
import { formBody } from '../../helpers/sign.ts'
import { expectCode, inbound, thrown } from './request.ts'

const json = { 'content-type': 'application/json' }
const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }

describe('parseBody', () => {
  it('parses JSON', () => {
    expect(parseBody(inbound(json, '{"a":[1,{"b":null}]}'))).toEqual({ a: [1, { b: null }] })
  })

  it('decodes the payload field of a form post as JSON', () => {
    const payload = '{"ref":"refs/heads/main","msg":"a+b & c=d ü"}'
    const req = inbound(form, formBody(payload))
    expect(formPayloadText(req)).toBe(payload)
    expect(parseBody(req)).toEqual({ ref: 'refs/heads/main', msg: 'a+b & c=d ü' })
  })

  it('returns plain form fields when there is no payload field', () => {
    expect(parseBody(inbound(form, 'branch=main&tag=v1&tag=v2'))).toEqual({ branch: 'main', tag: ['v1', 'v2'] })
  })

  it('treats an empty body as null, or as "empty body" when the sender always posts one', () => {
    expect(parseBody(inbound(json, ''))).toBeNull()
    expect(parseBody(inbound({}, '  \n'))).toBeNull()
    expectCode(() => parseBody(inbound(json, ''), { required: true }), 'BODY_INVALID')
    expect(thrown(() => parseBody(inbound(json, ' '), { required: true }))).toHaveProperty('message', expect.stringMatching(/^empty body/))
  })

  it('strips a UTF-8 byte order mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"ok":true}')])
    expect(parseBody(inbound(json, bytes))).toEqual({ ok: true })
  })

  it('rejects malformed JSON, a malformed payload field and broken UTF-8 with BodyError', () => {
    expect(thrown(() => parseBody(inbound(json, '{"a":')))).toBeInstanceOf(BodyError)
    expectCode(() => parseBody(inbound(json, "{'a':1}")), 'BODY_INVALID')
    const badPayload = thrown(() => parseBody(inbound(form, 'payload=%7Bnope')))
    expect(badPayload).toBeInstanceOf(BodyError)
    expect((badPayload as Error).message).toMatch(/form field "payload" is not valid JSON/)
    expect(thrown(() => parseBody(inbound(json, Buffer.from([0x7b, 0xff, 0x7d]))))).toBeInstanceOf(BodyError)
  })

  it('does not let __proto__ or constructor keys pollute prototypes', () => {
    const text = '{"__proto__":{"polluted":"yes"},"a":{"constructor":{"prototype":{"polluted":"yes"}}},"b":1}'
    const body = parseJson(text) as Record<string, unknown>
    expect(Object.hasOwn(body, '__proto__')).toBe(false)
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype)
    expect(body['a']).toEqual({})
    expect(body['b']).toBe(1)
    // a naive deep merge of the parsed body must not reach Object.prototype
    type Obj = Record<string, unknown>
    const merge = (target: Obj, src: Obj): void => {
      for (const [k, v] of Object.entries(src)) {
        if (v !== null && typeof v === 'object') merge((target[k] ??= {}) as Obj, v as Obj)
        else target[k] = v
      }
    }
    merge({}, body)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })

  it('drops escaped __proto__ keys and unsafe form field names', () => {
    const body = parseJson('{"\\u005f_proto__":{"x":1}}') as Record<string, unknown>
    expect(Object.hasOwn(body, '__proto__')).toBe(false)
    const fields = parseBody(inbound(form, '__proto__=x&constructor=y&ok=1')) as Record<string, unknown>
    expect(fields).toEqual({ ok: '1' })
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype)
  })

  it('keeps a string-valued constructor key', () => {
    expect(parseJson('{"constructor":"Widget"}')).toEqual({ constructor: 'Widget' })
  })
})
