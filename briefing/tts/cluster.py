"""Scale-out: Piper synthesis as Dask tasks on a cluster (`pip install 'briefing[cluster]'`).

The driver keeps the script and the segment cache: only segments the cache lacks travel, as
(voice, text) tasks; each worker process loads a voice once (VoicePlugin, which the client
registers on every worker, those that join later included) with ONNX Runtime on one thread, and
sends back 16-bit PCM. Results are put back in script order, then stitched, mastered, encoded and
published on the driver as for a local render. A worker killed mid-task is Dask's to retry on
another; a cluster that goes away is one clear error, and what was made is already cached.

Addresses: `local:N` (a LocalCluster of N single-thread worker processes on this machine),
`tcp://host:port`, or `tls://host:port` with the TLS files from Dask's security configuration
(e.g. DASK_DISTRIBUTED__COMM__TLS__CA_FILE). Dask has no authentication of its own: plain tcp://
to another machine is warned about.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from contextlib import contextmanager
from urllib.parse import urlsplit

from ..errors import BriefingError

CLUSTER_ENV = "BRIEFING_CLUSTER"
CONNECT_TIMEOUT = "20s"
VOICE_PLUGIN = "briefing-voices"  # the worker plugin holding each worker's loaded voices


def cluster_address(option: str | None, configured: str | None = None) -> str | None:
    """The cluster to use: the option, else briefing.toml's [cluster] address, else $BRIEFING_CLUSTER."""
    return option or configured or os.environ.get(CLUSTER_ENV) or None


def is_loopback(host: str) -> bool:
    try:
        return all(ipaddress.ip_address(info[4][0]).is_loopback
                   for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP))
    except (socket.gaierror, ValueError):
        return False


def plain_text_warning(address: str) -> str | None:
    """A warning for an unencrypted, unauthenticated connection that leaves this machine."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme == "tcp" and not is_loopback(parts.hostname or ""):
        return (f"connecting to {address} in plain tcp://: the Dask scheduler has no authentication, and anyone "
                "who can reach it can run code on its workers; use tls:// with Dask's TLS settings")
    return None


def _voice_plugin_class():
    from distributed import WorkerPlugin

    class VoicePlugin(WorkerPlugin):
        """Loads each Piper voice once per worker process, ONNX Runtime on one thread."""

        name = VOICE_PLUGIN
        idempotent = True

        def setup(self, worker) -> None:
            self.voices = {}

        def voice(self, name: str):
            if name not in self.voices:
                from .piper import find_voice, load_voice

                files = find_voice(name)
                self.voices[name] = load_voice(files.model, files.config, threads=1)
            return self.voices[name]

    return VoicePlugin


def speak_task(voice: str, text: str, variation: bool, rate: float) -> tuple[bytes, str]:
    """On a worker: (PCM of voice saying text, the worker's address)."""
    from distributed import get_worker

    from .piper import speak

    worker = get_worker()
    return speak(worker.plugins[VOICE_PLUGIN].voice(voice), text, variation, rate), worker.address


@contextmanager
def connect(address: str, echo=None):
    """A Dask client for address, with the voice plugin registered on every worker; a LocalCluster
    of single-thread worker processes for local:N. Closed (and a local cluster shut down) on exit."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise BriefingError("a cluster needs Dask: pip install 'briefing[cluster]'") from None
    local = None
    if address.startswith("local:"):
        count = address.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise BriefingError(f"a local cluster is local:N with N workers, not {address!r}")
        local = LocalCluster(n_workers=int(count), threads_per_worker=1, processes=True, dashboard_address=None)
        target = local
    else:
        warning = plain_text_warning(address)
        if warning:
            (echo or (lambda text: print(text, file=sys.stderr)))(f"briefing: warning: {warning}")
        target = address
    try:
        client = Client(target, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as error:
        if local:
            local.close()
        raise BriefingError(f"cannot reach the cluster at {address}: {error}") from None
    try:
        client.register_plugin(_voice_plugin_class()())
        yield client
    finally:
        client.close()
        if local:
            local.close()


def synthesize_on(client, voice: str, texts: list[str], variation: bool, rate: float, done=None) -> list[tuple[bytes, str]]:
    """(PCM, worker) for each text, in the order given, made on the cluster; done(position, pcm)
    as each arrives, so what is made is kept even if the cluster goes away."""
    from distributed import as_completed

    futures = client.map(speak_task, [voice] * len(texts), texts, [variation] * len(texts), [rate] * len(texts),
                         pure=False)
    position_of = {future.key: position for position, future in enumerate(futures)}
    results: list = [None] * len(texts)
    try:
        for future in as_completed(futures):
            position = position_of[future.key]
            results[position] = future.result()
            if done:
                done(position, results[position][0])
    except BriefingError:
        raise
    except Exception as error:  # the cluster went away, or a task could not be run anywhere
        client.cancel(futures)
        reason = " ".join(str(error).split())
        raise BriefingError(f"the cluster failed: {type(error).__name__}: {reason}; what was made is cached, "
                            "so running again resumes") from None
    return results
