# incident-graph: `docker build -t incident-graph . && docker run -p 8080:8080 -v ig-data:/data incident-graph`
# The SQLite database lives in the /data volume; set INCIDENT_GRAPH_DATABASE_URL for PostgreSQL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY incident_graph ./incident_graph
RUN pip install --no-cache-dir '.[postgres]' \
 && rm -rf /src

RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin incident-graph \
 && mkdir -p /data \
 && chown incident-graph:incident-graph /data

WORKDIR /data
VOLUME ["/data"]
USER incident-graph

ENV INCIDENT_GRAPH_HOST=0.0.0.0 \
    INCIDENT_GRAPH_DATABASE_URL=sqlite+aiosqlite:////data/incident-graph.db

EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('INCIDENT_GRAPH_PORT', '8080'), timeout=4)"]

CMD ["incident-graph", "serve"]
