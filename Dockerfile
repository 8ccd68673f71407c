# learning-analytics: the API on uvicorn. The same steps run in .ci/run (install, migrate, serve, probe).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    LA_DATABASE_URL=sqlite+aiosqlite:////data/learning_analytics.db \
    LA_HOST=0.0.0.0 \
    LA_PORT=8000

RUN useradd --create-home --uid 10001 app && mkdir -p /data && chown app:app /data
WORKDIR /app
COPY pyproject.toml README.md ./
COPY learning_analytics ./learning_analytics
RUN pip install --upgrade pip && pip install '.[postgres,redis]'

USER app
VOLUME ["/data"]
EXPOSE 8000
# Binding 0.0.0.0 needs API keys (`docker exec … learning-analytics users create NAME`), or LA_AUTH=off
# together with LA_ALLOWED_HOSTS (without keys only loopback Host names are served).
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"
CMD ["sh", "-c", "learning-analytics db upgrade && exec learning-analytics serve --host \"$LA_HOST\" --port \"$LA_PORT\""]
