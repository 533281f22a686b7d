# A Python web app on debian:12-slim, with muster as PID 1.
#
#   docker build -f packaging/Dockerfile -t muster .            # once, from the repo root
#   docker build -f debian-slim.Dockerfile -t app .             # from your app's source
#
# Replaces: tini (PID 1), wait-for-it.sh, a docker-entrypoint.sh with
# file_env and gosu, and curl for the HEALTHCHECK.
ARG MUSTER_IMAGE=muster:latest
FROM ${MUSTER_IMAGE} AS muster

FROM debian:12-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 python3-venv \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home app
COPY --from=muster /muster /usr/local/bin/muster
COPY --chown=root:root . /app
WORKDIR /app
ENV DATABASE_PASSWORD_FILE=/run/secrets/db_password \
    REDIS_PASSWORD_FILE=/run/secrets/redis_password \
    MUSTER_LOG_FORMAT=json
# Waits for both dependencies under one deadline, runs the migrations as the
# app user, then runs the server as app:app keeping only NET_BIND_SERVICE
# (it listens on port 80), with no_new_privs and the default seccomp filter.
ENTRYPOINT ["/usr/local/bin/muster", \
            "-w", "postgres://app@db:5432/app", \
            "-w", "redis://:${REDIS_PASSWORD}@cache:6379", \
            "--pre", "python3 -m app.migrate", \
            "--user", "app:app", \
            "--cap-keep", "NET_BIND_SERVICE", \
            "--seccomp", "default", \
            "--grace", "20s", \
            "--"]
CMD ["python3", "-m", "app", "--port", "80"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s \
  CMD ["/usr/local/bin/muster", "health", "--expect", "200-299", "http://127.0.0.1:80/healthz"]
