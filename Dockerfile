# syntax=docker/dockerfile:1
#
# The slogate image: the CLI on Node with the pinned k6 beside it. Argo
# Rollouts' job provider runs it (`slogate argo --provider job` writes that
# template) and it can host `slogate serve` for the web provider.
#
#   docker build -t ghcr.io/<you>/slogate:0.1.0 .
#   docker run --rm ghcr.io/<you>/slogate:0.1.0 run load --target http://api:8080 --profile users-api
#   docker run --rm -p 8080:8080 ghcr.io/<you>/slogate:0.1.0 serve --host 0.0.0.0 --prometheus http://prometheus:9090
ARG GO_VERSION=1.26
ARG NODE_VERSION=20

# Stage 1: k6 from the same pin local runs use (tools/k6/go.mod + go.sum), so
# the image and `slogate setup` run the same k6. The project's k6 has no
# extensions; `go build` of the pinned module is what xk6 does for an empty
# extension list, and adding one is a `require` in tools/k6/go.mod.
FROM golang:${GO_VERSION}-bookworm AS k6
WORKDIR /src/tools/k6
COPY tools/k6/go.mod tools/k6/go.sum tools/k6/tools.go ./
RUN go mod download
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/k6 go.k6.io/k6/v2 \
 && /out/k6 version

# Stage 2: compile the TypeScript CLI, then keep runtime dependencies only.
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json && npm prune --omit=dev

# Stage 3: the runtime. Non-root (uid 10001, as the job template's
# securityContext expects); the job template mounts emptyDirs on /reports,
# /tmp and /app/scenarios/build so the root filesystem can stay read-only.
# K6_BINARY names the k6 copied in below, so slogate never builds one into its
# per-user cache (~/.cache/slogate) at run time.
FROM node:${NODE_VERSION}-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    K6_BINARY=/usr/local/bin/k6 \
    K6_NO_USAGE_REPORT=true \
    NO_COLOR=1
COPY --from=k6 /out/k6 /usr/local/bin/k6
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY scenarios ./scenarios
COPY thresholds ./thresholds
# What `slogate init` copies into a project (docker run -v "$PWD:/work" -w /work … init).
COPY templates ./templates
# The Argo Rollouts and k6-operator CRD schemas every generated manifest is
# validated against (SCHEMAS_DIR = /app/schemas, beside dist/).
COPY schemas ./schemas
# slogate reads the k6 pin from here to check the binary's version.
COPY tools/k6/go.mod tools/k6/go.sum ./tools/k6/
RUN groupadd --gid 10001 slogate \
 && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin slogate \
 && mkdir -p /reports /app/scenarios/build \
 && chown 10001:10001 /reports /app/scenarios/build
USER 10001:10001
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["--help"]
