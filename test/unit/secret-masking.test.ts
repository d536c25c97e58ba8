import { describe, expect, it } from 'vitest'
import { maskSecrets } from '../../src/secret-masking.ts'

describe('maskSecrets', () => {
  it('masks long secrets anywhere, also URL-encoded and JSON-escaped', () => {
    expect(maskSecrets('token=s3cr3t&x=1 Bearer s3cr3t', ['s3cr3t'])).toBe('token=***&x=1 Bearer ***')
    expect(maskSecrets('a=p%2Bss%2Fword {"k":"p+ss/word"}', ['p+ss/word'])).toBe('a=*** {"k":"***"}')
  })

  it('masks secrets shorter than 4 characters as whole tokens, never inside words', () => {
    const text = 'POST /app/abc/build?token=ab {"token":"ab","about":"tab ab-1"} Bearer ab'
    expect(maskSecrets(text, ['ab'])).toBe('POST /app/abc/build?token=*** {"token":"***","about":"tab ***-1"} Bearer ***')
    expect(maskSecrets('x-y', ['x'])).toBe('***-y')
    expect(maskSecrets('', [''])).toBe('')
  })
})
