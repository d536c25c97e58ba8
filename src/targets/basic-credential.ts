/** The credential of an `Authorization: Basic` header: base64 of `user:password` (RFC 7617). */
export function basicCredential(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`, 'utf8').toString('base64')
}
