# hookyard's container image: the compiled package on Node 20, no compiler, no Redis.
#   docker build -t hookyard .
#   docker run -e REDIS_URL=redis://redis:6379 -v "$PWD/rules:/rules:ro" -p 8080:8080 hookyard
# Redis runs elsewhere (docker-compose.yml runs one with appendonly and noeviction): the image
# refuses to start without REDIS_URL rather than keep queued events inside a throwaway container.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# scripts off: nothing of ours runs at install; the build runs below, once the sources are here
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
RUN npm run build && rm dist/.tsbuildinfo

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOOKYARD_REQUIRE_REDIS_URL=1 \
    RULES_DIR=/rules \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
# scripts off: dist/ comes from the build stage
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY schema ./schema
COPY README.md LICENSE ./
# the README links these pages
COPY docs ./docs
# the rules are mounted here (read-only is fine: hookyard only reads and watches them)
RUN mkdir /rules
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/hookyard.js"]
CMD ["serve"]
