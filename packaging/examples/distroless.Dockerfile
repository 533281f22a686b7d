# A static (Go) service on distroless, with muster as PID 1.
#
#   docker build -f packaging/Dockerfile -t muster .            # once, from the repo root
#   docker build -f distroless.Dockerfile -t app .              # from your app's source
#
# distroless/static has no shell, no curl, no su: muster does the waiting,
# the migration hook, the _FILE secrets, the user switch, seccomp and the
# health check.  Its /etc/passwd has the user "nonroot" (65532).
ARG MUSTER_IMAGE=muster:latest
FROM ${MUSTER_IMAGE} AS muster

FROM golang:1.22-bookworm AS app
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags=-s -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12
COPY --from=muster /muster /muster
COPY --from=app /out/app /app
# Secrets arrive as files (docker/compose secrets, k8s secret volumes):
# muster loads NAME_FILE into NAME when it points inside /run/secrets.
ENV DATABASE_PASSWORD_FILE=/run/secrets/db_password \
    API_TOKEN_FILE=/run/secrets/api_token
# muster starts as root, so it can read the secrets, then drops to nonroot,
# drops every capability, sets no_new_privs and loads the seccomp filter.
# The hook and the server read DATABASE_PASSWORD from the environment.
ENTRYPOINT ["/muster", \
            "-w", "postgres://app@db:5432/app", \
            "-w", "tcp://cache:6379", \
            "--wait-timeout", "90s", \
            "--pre", "/app migrate", \
            "--user", "nonroot", \
            "--seccomp", "default", \
            "--grace", "20s", \
            "--"]
CMD ["/app", "serve", "--listen", ":8080"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s \
  CMD ["/muster", "health", "--timeout", "3s", "http://127.0.0.1:8080/healthz"]
