# syntax=docker/dockerfile:1
# dxbot's image: `docker build -t dxbot .`, then `docker compose up` (compose.yaml) or run one process:
#   docker run --env-file .env -p 3000:3000 dxbot                     (HTTP mode: dxbot serve)
#   docker run --env-file .env dxbot dxbot db upgrade | scheduler | socket
# No secret is baked in: every setting comes from the environment at run time (.env.example lists them).

ARG PYTHON_IMAGE=python:3.11-slim

# --- builder: a virtual environment with dxbot and its dependencies (every one ships a wheel: no compiler) ---
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY db ./db
COPY handlers ./handlers
COPY knowledge ./knowledge
RUN /opt/venv/bin/pip install .

# --- runtime: the same Python, the venv only, a user without privileges ---
FROM ${PYTHON_IMAGE} AS runtime
ARG UID=10001
RUN groupadd --system --gid "${UID}" dxbot \
    && useradd --system --uid "${UID}" --gid dxbot --create-home --home-dir /home/dxbot --shell /usr/sbin/nologin dxbot \
    && install -d -o dxbot -g dxbot /srv/dxbot /var/cache/dxbot
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DXBOT_INDEX_DIR=/var/cache/dxbot \
    PORT=3000
USER ${UID}:${UID}
WORKDIR /srv/dxbot
# The knowledge base's search index, built now so a container starts without it.
# The index is named by a fingerprint of the files in /opt/venv: a DXBOT_KB_DIR mounted later (or a volume on
# /var/cache/dxbot holding another release's index) makes the first process, normally `dxbot db upgrade`, build anew.
RUN dxbot kb build
EXPOSE 3000
# /readyz: 200 once the database is migrated and reachable and the knowledge base is loaded. No curl in slim: urllib,
# with no proxy (HTTP_PROXY may be set for Slack and OpenAI, and must not catch this loopback request).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["python", "-c", "import os, urllib.request as u; u.build_opener(u.ProxyHandler({})).open('http://127.0.0.1:%s/readyz' % os.environ.get('PORT', '3000'), timeout=4)"]
CMD ["dxbot", "serve"]
