"""Piper synthesis on a real Dask cluster: a scheduler and worker processes on 127.0.0.1."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="the cluster extra (dask distributed) is not installed")

from briefing import MakeOptions, make
from briefing.errors import BriefingError  # noqa: E402
from briefing.options import CacheOptions, VoiceOptions
from briefing.tts import EngineOptions  # noqa: E402
from briefing.tts.cluster import connect, plain_text_warning  # noqa: E402
from briefing.tts.piper import PiperEngine, PiperOptions  # noqa: E402

SENTENCES = [f"Sentence number {n} of the story says that the council met again on Tuesday." for n in range(24)]
STEADY = EngineOptions(
    piper=PiperOptions(variation=False)
)  # no random variation: local and cluster renders can be compared exactly


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A dask scheduler and `briefing worker` processes, each its own process group."""

    def __init__(self, workers: int):
        self.address = f"tcp://127.0.0.1:{free_port()}"
        port = self.address.rsplit(":", 1)[1]
        self.scheduler = self._start(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                port,
                "--no-dashboard",
            ]
        )
        self.workers = [self.add_worker() for _ in range(workers)]

    @staticmethod
    def _start(command):
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)

    def add_worker(self):
        return self._start([sys.executable, "-m", "briefing", "worker", self.address, "--nworkers", "1"])

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=10)


@pytest.fixture
def cluster():
    started = Cluster(workers=2)
    yield started
    started.stop()


def article(tmp_path: Path, name: str, sentences: list[str]) -> str:
    path = tmp_path / f"{name}.txt"
    path.write_text(f"Story {name}\n\n" + " ".join(sentences))
    return str(path)


def test_a_cluster_render_matches_a_local_render(tmp_path, cluster):
    sources = [article(tmp_path, "one", SENTENCES[:5]), article(tmp_path, "two", SENTENCES[5:9])]
    local = make(
        sources,
        MakeOptions(
            output_dir=tmp_path / "local", voice=VoiceOptions(engines=STEADY), cache=CacheOptions(enabled=False)
        ),
    )
    remote = make(
        sources,
        MakeOptions(
            output_dir=tmp_path / "remote",
            voice=VoiceOptions(engines=STEADY, cluster=cluster.address),
            cache=CacheOptions(enabled=False),
        ),
    )
    assert [t.segment.spoken for t in remote.timings] == [t.segment.spoken for t in local.timings]
    assert [round(t.end - t.start, 3) for t in remote.timings] == [round(t.end - t.start, 3) for t in local.timings]
    assert remote.duration == pytest.approx(local.duration, abs=0.001)


def test_a_worker_killed_mid_render_is_replaced_and_the_episode_completes(tmp_path, cluster):
    with connect(cluster.address) as client:
        client.wait_for_workers(2, timeout=60)
        pids = client.run(os.getpid)
        engine = PiperEngine()
        engine.use_cluster(client)
        made = []

        def kill_one_once_work_flows(position, clip):
            made.append(position)
            if len(made) == 3:
                os.kill(next(iter(pids.values())), signal.SIGKILL)

        clips = engine.synthesize_all(SENTENCES, kill_one_once_work_flows)
    assert len(clips) == len(SENTENCES) and all(clip.duration_seconds > 2 for clip in clips)
    assert sorted(made) == list(range(len(SENTENCES)))


def test_a_worker_that_joins_late_serves_tasks(tmp_path):
    cluster = Cluster(workers=1)
    try:
        with connect(cluster.address) as client:
            client.wait_for_workers(1, timeout=60)
            first = set(client.scheduler_info()["workers"])
            engine = PiperEngine()
            engine.use_cluster(client)
            late = {}

            def join_late():
                cluster.workers.append(cluster.add_worker())
                client.wait_for_workers(2, timeout=60)
                late["address"] = (set(client.scheduler_info()["workers"]) - first).pop()

            joiner = threading.Thread(target=join_late)
            joiner.start()
            engine.synthesize_all(SENTENCES * 2)
            joiner.join()
        assert late["address"] in engine.cluster_workers and first <= engine.cluster_workers
    finally:
        cluster.stop()


def test_a_cluster_that_goes_away_is_one_clear_error_and_the_cache_keeps_what_was_made(tmp_path):
    cluster = Cluster(workers=1)
    source = article(tmp_path, "long", SENTENCES)
    options = MakeOptions(
        output_dir=tmp_path / "out",
        cache=CacheOptions(folder=tmp_path / "cache"),
        voice=VoiceOptions(cluster=cluster.address),
    )
    made = []

    def progress(stage, done, total):
        made.append(done)
        if done == 4:
            os.killpg(cluster.scheduler.pid, signal.SIGKILL)
            for worker in cluster.workers:
                os.killpg(worker.pid, signal.SIGKILL)

    try:
        with pytest.raises(BriefingError, match="the cluster failed.*cached"):
            make([source], options, progress)
    finally:
        cluster.stop()
    resumed = make([source], MakeOptions(output_dir=tmp_path / "out", cache=CacheOptions(folder=tmp_path / "cache")))
    assert resumed.cache_hits >= 4


def test_batch_renders_an_episode_per_article_on_a_local_cluster_and_reports_failures(tmp_path):
    from conftest import runner

    from briefing.cli import main

    (tmp_path / "briefing.toml").write_text(
        '[show]\nowner_email = "jane@example.org"\nbase_url = "https://pods.example.org"\n'
    )
    sources = [
        article(tmp_path, "one", SENTENCES[:2]),
        article(tmp_path, "two", SENTENCES[2:4]),
        str(tmp_path / "missing.txt"),
    ]
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = runner().invoke(
            main, ["batch", *sources, "--per-article", "--publish", "-o", "site", "--cluster", "local:2", "-q"]
        )
    finally:
        os.chdir(cwd)
    assert result.exit_code == 1 and "missing.txt" in result.stderr
    assert len(result.stdout.split()) == 2
    import feedparser

    assert {entry.title for entry in feedparser.parse((tmp_path / "site" / "feed.xml").read_bytes()).entries} == {
        "Story one",
        "Story two",
    }


@pytest.mark.parametrize(
    "address, warned",
    [
        ("tcp://10.1.2.3:8786", True),
        ("tcp://127.0.0.1:8786", False),
        ("tls://10.1.2.3:8786", False),
        ("localhost:8786", False),
    ],
)
def test_plain_tcp_to_another_machine_is_warned_about(address, warned):
    assert (plain_text_warning(address) is not None) is warned


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed to make a test certificate")
def test_tls_from_dask_security_settings(tmp_path, capsys):
    import dask

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    settings = {
        "DASK_DISTRIBUTED__COMM__TLS__CA_FILE": str(cert),
        **{
            f"DASK_DISTRIBUTED__COMM__TLS__{part}__{kind}": str(path)
            for part in ("SCHEDULER", "WORKER", "CLIENT")
            for kind, path in (("CERT", cert), ("KEY", key))
        },
    }
    port = free_port()
    address = f"tls://127.0.0.1:{port}"
    environment = {**os.environ, **settings}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-dashboard",
                "--protocol",
                "tls",
                "--tls-ca-file",
                str(cert),
                "--tls-cert",
                str(cert),
                "--tls-key",
                str(key),
            ],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    ]
    processes.append(
        subprocess.Popen(
            [sys.executable, "-m", "briefing", "worker", address],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    )
    try:
        with dask.config.set(
            {
                "distributed.comm.tls.ca-file": str(cert),
                "distributed.comm.tls.client.cert": str(cert),
                "distributed.comm.tls.client.key": str(key),
            }
        ):
            with connect(address) as client:
                client.wait_for_workers(1, timeout=60)
                assert all(worker.startswith("tls://") for worker in client.scheduler_info()["workers"])
                engine = PiperEngine()
                engine.use_cluster(client)
                assert engine.synthesize_all(SENTENCES[:2])[1].duration_seconds > 2
        assert "warning" not in capsys.readouterr().err
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_the_cluster_address_comes_from_the_option_then_briefing_toml_then_the_environment(monkeypatch):
    from briefing.config import Config

    monkeypatch.setenv("BRIEFING_CLUSTER", "tcp://from-env:8786")
    from_toml = Config({"voice.cluster": "tcp://from-toml:8786"})
    assert from_toml.options({"voice.cluster": "local:2"}).voice.cluster == "local:2"
    assert from_toml.options().voice.cluster == "tcp://from-toml:8786"
    assert Config().options().voice.cluster == "tcp://from-env:8786"
    monkeypatch.delenv("BRIEFING_CLUSTER")
    assert Config().options().voice.cluster is None
