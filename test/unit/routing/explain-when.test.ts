import { describe, expect, it } from 'vitest'
import { explainWhen, isTruthy } from '../../../src/routing/explain-when.ts'

const envelope = {
  event: 'push',
  headers: { 'x-custom-header': 'yes' },
  push: { branch: 'feature-x', tag: null, deleted: false, repo: 'acme/app' },
  package: { event: 'Deleted', feed: 'VendorPackages' },
}

describe('explainWhen', () => {
  it('names the first false conjunct of an and chain with the value of its path', async () => {
    expect(await explainWhen('event = "push" and push.branch = "main"', envelope)).toBe('push.branch = "main" (push.branch is "feature-x")')
    expect(await explainWhen('event = "ping" and push.branch = "main"', envelope)).toBe('event = "ping" (event is "push")')
  })

  it('walks chains of any length and shows null and missing values', async () => {
    const text = 'event = "push" and push.tag != null and push.deleted = false'
    expect(await explainWhen(text, envelope)).toBe('push.tag != null (push.tag is null)')
    expect(await explainWhen('event = "push" and body.ref = "x"', envelope)).toBe('body.ref = "x" (body.ref is missing)')
  })

  it('shows the paths read by function calls', async () => {
    expect(await explainWhen('$lowercase(package.event) = "added"', envelope)).toBe('$lowercase(package.event) = "added" (package.event is "Deleted")')
    const contains = 'event = "push" and $contains(push.branch, /^release\\//)'
    expect(await explainWhen(contains, envelope)).toBe('$contains(push.branch, /^release\\//) (push.branch is "feature-x")')
  })

  it('explains a parenthesised or chain by listing every alternative', async () => {
    const text = 'event = "push" and (push.branch = "main" or push.branch = "master")'
    expect(await explainWhen(text, envelope)).toBe(
      'none of: push.branch = "main" (push.branch is "feature-x"); push.branch = "master" (push.branch is "feature-x")'
    )
  })

  it('is not fooled by "and" inside strings, regexes and comments', async () => {
    const text = 'event = "push" /* and not this */ and push.branch = "this and that" and $contains(push.repo, /x and y/)'
    expect(await explainWhen(text, envelope)).toBe('push.branch = "this and that" (push.branch is "feature-x")')
  })

  it('handles operators without spaces, multi-line text and backtick names', async () => {
    expect(await explainWhen('event="push"and\n  push.branch="main"\n', envelope)).toBe('push.branch="main" (push.branch is "feature-x")')
    expect(await explainWhen('headers.`x-custom-header` = "no"', envelope)).toBe('headers.`x-custom-header` = "no" (headers.`x-custom-header` is "yes")')
  })

  it('describes a bare path and a bare false expression', async () => {
    expect(await explainWhen('push.tag', envelope)).toBe('push.tag (is null)')
    expect(await explainWhen('false', envelope)).toBe('false')
  })

  it('falls back to the whole text when it cannot say more', async () => {
    expect(await explainWhen('not valid (((', envelope)).toBe('not valid (((')
    // every conjunct true on its own (cannot happen for a false `when`, but must not crash)
    expect(await explainWhen('event = "push" and push.deleted = false', envelope)).toBe('event = "push" and push.deleted = false')
  })

  it('shortens long values', async () => {
    const long = { event: 'x'.repeat(200) }
    const reason = await explainWhen('event = "push"', long)
    expect(reason).toMatch(/^event = "push" \(event is "x+\.\.\.\)$/)
    expect(reason.length).toBeLessThan(110)
  })
})

describe('isTruthy', () => {
  it('follows JSONata truthiness', () => {
    expect([false, null, undefined, 0, '', []].map(isTruthy)).toEqual([false, false, false, false, false, false])
    expect([true, 1, 'a', [false, 1], {}].map(isTruthy)).toEqual([true, true, true, true, true])
  })
})
