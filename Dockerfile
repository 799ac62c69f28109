# pop-forums: migrations, then the server. Build: docker build -t pop-forums .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ENVIRONMENT=production \
    VAR_DIR=/app/var

WORKDIR /app
COPY pyproject.toml README.md alembic.ini babel.cfg ./
COPY app ./app
COPY migrations ./migrations
# the catalogs are compiled before the install, so the .mo files ship inside the package
RUN pip install babel \
    && pybabel compile -d app/locales \
    && pip install . \
    && useradd --create-home --uid 10001 pop \
    && mkdir -p /app/var && chown pop:pop /app/var

USER pop
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
CMD ["sh", "-c", "pop-forums migrate && exec pop-forums serve --host 0.0.0.0 --port 8000 --workers ${WORKERS:-2}"]
