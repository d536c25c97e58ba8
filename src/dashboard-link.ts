/**
 * Where people open the dashboard (HOOKYARD_PUBLIC_URL + `/ui`), or one delivery in it; null
 * without a public URL. Notifications and commit statuses link the same way.
 */
export function dashboardLink(publicUrl: string | null | undefined, deliveryId?: string): string | null {
  if (!publicUrl) return null
  const base = `${publicUrl.replace(/\/+$/, '')}/ui`
  return deliveryId === undefined ? base : `${base}#/delivery/${encodeURIComponent(deliveryId)}`
}
