# Tập Số as a container, for provinces that run containers (compose.yaml: app ×2,
# PostgreSQL, nginx). The same wheel as `pip install`, installed from the hashed lock.
FROM python:3.12-slim AS wheel
WORKDIR /src
COPY . .
RUN pip install --quiet --no-cache-dir build && python -m build --wheel --outdir /dist .

FROM python:3.12-slim
COPY requirements/run.txt /tmp/run.txt
COPY --from=wheel /dist/ /tmp/dist/
RUN pip install --quiet --no-cache-dir --require-hashes -r /tmp/run.txt \
    && pip install --quiet --no-cache-dir --no-deps /tmp/dist/*.whl \
    && rm -rf /tmp/run.txt /tmp/dist \
    && useradd --system --create-home tapso
USER tapso
# Behind nginx (TRAINER_PROXY_FIX=1); no internet needed (htmx from the package).
ENV TRAINER_PROXY_FIX=1 TRAINER_USE_CDN=0 PYTHONUNBUFFERED=1
EXPOSE 5001
CMD ["trainer", "serve", "--host", "127.0.0.1", "--port", "5001"]
