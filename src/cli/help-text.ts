/** The `hookyard --help` text; docs/operations.md quotes it verbatim (a test compares them). */
export const HELP_TEXT = `Usage: hookyard <command> [options]

Commands:
  serve [--rules DIR] [--port N] [--role all|ingest|worker]
                     run the relay (npm start runs "hookyard serve")
  init [DIR]         write starter rules to DIR (default ./rules): a source, a target, a
                     route and a test case; prints the relay URL and the next commands
  check [DIR] [--json]
                     validate the rule files in DIR (default: $RULES_DIR or ./rules),
                     unknown JSONata functions included; exit 0 when valid (listing each
                     schedule's next fire times), 1 with "file:line:col message" lines otherwise
  test --source NAME --payload FILE [--header 'K: V' ...] [--event E] [--rules DIR] [--json]
                     dry run of one webhook: no Redis, nothing sent; prints each route's
                     match result (and why not) and each rendered request, secrets masked
  test --source SCHEDULE [--rules DIR] [--json]
                     dry run of a schedule's next tick (no payload needed)
  test [DIR]         run the rule test cases in DIR/tests/ (default: $RULES_DIR or ./rules, or
                     --rules DIR); exit 1 with a diff on a mismatch, and exit 1 when no case is found
  redeliver [--source NAME] [--since 24h] [--dry-run] [--rules DIR] [--json]
                     after an outage: ask GitHub to send again every delivery of the hooks
                     named in github sources' redeliver: option that never got a 2xx
  help               show this help

Options:
  --rules DIR        rules directory (overrides RULES_DIR)
  --port N           HTTP port (overrides PORT, default 8080)
  --role ROLE        all (default): accept webhooks and deliver; ingest: only accept;
                     worker: only deliver (overrides HOOKYARD_ROLE)
  --source NAME      test: the source the payload arrives at (POST /hooks/NAME);
                     redeliver: only this source
  --since DURATION   redeliver: how far back to look (default 24h; GitHub keeps 3 days)
  --dry-run          redeliver: list what would be redelivered, ask GitHub for nothing
  --payload FILE     test: the request body, sent as is (signature not verified)
  --header 'K: V'    test: a request header (repeatable), e.g. 'Content-Type: ...'
  --event E          test: set the source type's event header (X-GitHub-Event, ...)
  --json             check, test, redeliver: print the result as JSON
  -h, --help         show this help
  -v, --version      print the version

Environment:
  PORT, HOST, REDIS_URL, RULES_DIR, LOG_LEVEL, HOOKYARD_ADMIN_TOKEN, MAX_BODY_BYTES,
  HOOKYARD_ROLE, HOOKYARD_PREFIX, HOOKYARD_DATA_DIR, DEDUP_WINDOW, RETENTION,
  RETENTION_COUNT, WORKER_CONCURRENCY, HOOKYARD_PUBLIC_URL, HOOKYARD_REQUIRE_REDIS_URL,
  HTTP_HEADERS_TIMEOUT, HTTP_REQUEST_TIMEOUT, HTTP_KEEP_ALIVE_TIMEOUT, HTTP_MAX_CONNECTIONS,
  DEDUP_MAX, EMBEDDED_REDIS_MAXMEMORY, REDIS_TLS_CA_FILE, REDIS_SENTINELS,
  REDIS_SENTINEL_NAME, REDIS_SENTINEL_PASSWORD, REDIS_CLUSTER_NODES, REDIS_PARTITIONS,
  REDIS_WAIT_REPLICAS, REDIS_WAIT_TIMEOUT (see docs/configuration.md). REDIS_WAIT_REPLICAS=N
  answers a webhook 2xx only once N replicas hold it (else 503 after REDIS_WAIT_TIMEOUT, default
  2s). Without REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES, serve starts a private
  redis-server from PATH with its data under ./.hookyard/redis, or joins the one another
  hookyard process of the same folder runs; the last process to stop stops it.

Exit codes (serve): 0 after SIGTERM/SIGINT; 78 invalid configuration or rules; 1 any other
failed start (port in use, Redis unreachable for 30 s) or the embedded Redis lost for good.
`
