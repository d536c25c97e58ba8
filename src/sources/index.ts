import { bitbucketServerSource } from './bitbucket-server.ts'
import { bitbucketSource } from './bitbucket.ts'
import { dockerHubSource } from './docker-hub.ts'
import { genericSource } from './generic.ts'
import { giteaSource } from './gitea.ts'
import { githubSource } from './github.ts'
import { gitlabSource } from './gitlab.ts'
import { harborSource } from './harbor.ts'
import { nexusSource } from './nexus.ts'
import { npmSource } from './npm.ts'
import { progetSource } from './proget.ts'
import { scheduleSource } from './schedule.ts'
import { standardWebhooksSource } from './standard-webhooks.ts'
import type { SourceType } from './types.ts'

/** Every source type, by name. Adding a type is one new file plus one line here. */
export const sourceTypes: ReadonlyMap<string, SourceType> = new Map<string, SourceType>([
  ['github', githubSource],
  ['gitlab', gitlabSource],
  ['bitbucket', bitbucketSource],
  ['bitbucket-server', bitbucketServerSource],
  ['gitea', giteaSource],
  ['proget', progetSource],
  ['npm', npmSource],
  ['nexus', nexusSource],
  ['docker-hub', dockerHubSource],
  ['harbor', harborSource],
  ['generic', genericSource],
  ['standard-webhooks', standardWebhooksSource],
  ['schedule', scheduleSource],
])
