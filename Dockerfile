# syntax=docker/dockerfile:1
# The live-sync relay (`npm run sync -- --mongo-url`) as a container: one esbuild bundle on Node's
# current LTS, run as the unprivileged `node` user. Build from the repository root:
#   docker build -t push-get-sync .
# Configuration comes from the environment: MONGO_URL (a secret: never bake it into the image),
# TABLE_NAME, optionally MONGO_DB, AWS_REGION and the usual AWS credentials (a task role on ECS).

FROM node:24-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY lib ./lib
COPY scripts ./scripts
COPY local/cli.ts ./local/cli.ts
RUN npm run build:sync

FROM node:24-slim
ENV NODE_ENV=production \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
WORKDIR /app
COPY --from=build --chown=root:root /src/dist/sync.cjs /src/dist/sync.cjs.map ./
USER node
# Node is PID 1 and handles SIGTERM itself: it finishes the changes in flight, checkpoints, exits 0.
ENTRYPOINT ["node", "--enable-source-maps", "sync.cjs"]
