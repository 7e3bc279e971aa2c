# Rapport: a small image that runs `rapport serve` (Socket Mode by default; `--http` for HTTP).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RAPPORT_DATABASE_URL=sqlite:////data/rapport.db

WORKDIR /app

# Dependencies first, in their own layer: it is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\\n'.join(p['dependencies'] + p['optional-dependencies']['postgres']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt

# Then the source (changes often, installs in a second).
COPY README.md manifest.yml ./
COPY bot ./bot
RUN pip install --no-deps . \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin rapport \
    && mkdir -p /data && chown rapport:rapport /data

USER rapport
VOLUME /data
EXPOSE 3000

# HTTP mode answers GET /healthz on its port; Socket Mode has no port to probe.
CMD ["rapport", "serve"]
