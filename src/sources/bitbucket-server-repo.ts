import { arr, str } from './json-read.ts'

/** `PROJECT/slug`, the web URL and the HTTP clone URL of a Bitbucket Server repository object. */
export function serverRepo(repository: unknown): { repo: string | null; repo_url: string | null; clone_url: string | null } {
  const key = str(repository, 'project', 'key')
  const slug = str(repository, 'slug')
  const cloneHttp = str(arr(repository, 'links', 'clone').find((l) => str(l, 'name') === 'http'), 'href')
  return {
    repo: key !== null && slug !== null ? `${key}/${slug}` : null,
    repo_url: str(arr(repository, 'links', 'self')[0], 'href') ?? cloneHttp,
    clone_url: cloneHttp,
  }
}
