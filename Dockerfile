# The Palisade image: the `palisade` CLI (collect, baseline run, refresh, ...), as the Helm chart in
# charts/palisade/ runs it.
#
# NOT BUILT HERE: this file was written without a Docker engine at hand and has never been built or
# run. Build it with `docker build -t palisade:0.1.0 .` and check it before relying on it.

# --- build: install everything, compile the workspaces, then drop the dev dependencies ---
FROM node:20-slim AS build
WORKDIR /app

# Manifests first, so the dependency layer is reused while only sources change. `npm ci` needs
# every workspace's package.json that the lockfile names, the test workspace included.
COPY package.json package-lock.json ./
COPY collector/package.json collector/
COPY baseliner/package.json baseliner/
COPY generator/package.json generator/
COPY test/package.json test/
RUN npm ci --no-audit --no-fund

COPY tsconfig.base.json turbo.json ./
COPY collector/ collector/
COPY baseliner/ baseliner/
COPY generator/ generator/
# The test workspace stays a workspace (the lockfile names it) but only its package.json is here and
# none of it is copied below; its dependencies are the services' own.
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf collector/src baseliner/src generator/src collector/bench baseliner/bench generator/bench

# --- runtime ---
FROM node:20-slim
# git: `palisade refresh --then pr` clones, commits and pushes the GitOps repository.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 palisade \
 && useradd --system --uid 10001 --gid palisade --home-dir /tmp --shell /usr/sbin/nologin palisade

WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules/ node_modules/
COPY --from=build /app/collector/ collector/
COPY --from=build /app/baseliner/ baseliner/
COPY --from=build /app/generator/ generator/

# The chart's pod securityContext names the same numeric user, so runAsNonRoot can be verified.
USER 10001:10001
ENTRYPOINT ["node", "/app/generator/bin/palisade.js"]
CMD ["--help"]
