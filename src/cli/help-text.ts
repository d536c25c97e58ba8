/** The `hookyard --help` text; the README quotes it verbatim. */
export const HELP_TEXT = `Usage: hookyard <command> [options]

Commands:
  serve [--rules DIR] [--port N] [--role all|ingest|worker]
                     run the relay (npm start runs "hookyard serve")
  init [DIR]         write starter rules to DIR (default ./rules): a source, a target, a
                     route and a test case; prints the relay URL and the next commands
  check [DIR]        validate the rule files in DIR (default: $RULES_DIR or ./rules);
                     exit 0 when valid, 1 with "file:line:col message" lines otherwise
  test --source NAME --payload FILE [--header 'K: V' ...] [--event E] [--rules DIR] [--json]
                     dry run of one webhook: no Redis, nothing sent; prints each route's
                     match result (and why not) and each rendered request, secrets masked
  test [--rules DIR] run the rule test cases in DIR/tests/; exit 1 with a diff on a mismatch
  help               show this help

Options:
  --rules DIR        rules directory (overrides RULES_DIR)
  --port N           HTTP port (overrides PORT, default 8080)
  --role ROLE        all (default): accept webhooks and deliver; ingest: only accept;
                     worker: only deliver (overrides HOOKYARD_ROLE)
  --source NAME      test: the source the payload arrives at (POST /hooks/NAME)
  --payload FILE     test: the request body, sent as is (signature not verified)
  --header 'K: V'    test: a request header (repeatable), e.g. 'Content-Type: ...'
  --event E          test: set the source type's event header (X-GitHub-Event, ...)
  --json             test: print the result as JSON
  -h, --help         show this help
  -v, --version      print the version

Environment:
  PORT, HOST, REDIS_URL, RULES_DIR, LOG_LEVEL, HOOKYARD_ADMIN_TOKEN, MAX_BODY_BYTES,
  HOOKYARD_ROLE, HOOKYARD_PREFIX, HOOKYARD_DATA_DIR, DEDUP_WINDOW, RETENTION,
  RETENTION_COUNT, WORKER_CONCURRENCY, HOOKYARD_REQUIRE_REDIS_URL (see README.md).
  Without REDIS_URL, serve starts a private redis-server from PATH with its data under
  ./.hookyard/redis.
`
