/**
 * JSONata for the branch a CI system that builds by branch name should build for a pull request.
 * A fork's branch does not exist in the target repository, so a pull request from a fork builds
 * the host's head ref (GitHub and Gitea `pull/N/head`, GitLab `merge-requests/N/head`), which
 * does; without one (Bitbucket) it is the source branch, as for every other pull request.
 */
const FORK_WITH_HEAD_REF = 'pull_request.from_fork and pull_request.head_ref'

export const PULL_REQUEST_BRANCH = `(${FORK_WITH_HEAD_REF} ? pull_request.head_ref : pull_request.source.branch)`

/** The same, for a target that takes full ref names: the head ref as `refs/pull/N/head`. */
export const PULL_REQUEST_REF = `(${FORK_WITH_HEAD_REF} ? "refs/" & pull_request.head_ref : pull_request.source.branch)`
