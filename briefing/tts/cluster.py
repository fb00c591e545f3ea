"""Scale-out on a Dask cluster (`pip install 'briefing[cluster]'`): connecting to one. Engines
that can speak on a cluster (Engine.on_cluster; Piper's tasks are in tts/piper/cluster.py) are
given the client, and the driver keeps the script and the segment cache and stitches, masters,
encodes and publishes as for a local render.

Addresses: `local:N` (a LocalCluster of N single-thread worker processes on this machine),
`tcp://host:port`, or `tls://host:port` with the TLS files from Dask's security configuration
(e.g. DASK_DISTRIBUTED__COMM__TLS__CA_FILE). Dask has no authentication of its own: plain tcp://
to another machine is warned about.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import BriefingError
from ..settings import check_settings, setting

CLUSTER_ENV = "BRIEFING_CLUSTER"


@dataclass(frozen=True)
class WorkerOptions:
    """How many worker processes `briefing worker` starts for a cluster."""

    nworkers: int = setting(1, "Worker processes to start", flag="--nworkers", low=1, high=256)

    def __post_init__(self) -> None:
        check_settings(self)


CONNECT_TIMEOUT = "20s"


def is_loopback(host: str) -> bool:
    try:
        return all(
            ipaddress.ip_address(info[4][0]).is_loopback
            for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        )
    except (socket.gaierror, ValueError):
        return False


def plain_text_warning(address: str) -> str | None:
    """A warning for an unencrypted, unauthenticated connection that leaves this machine."""
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme == "tcp" and not is_loopback(parts.hostname or ""):
        return (
            f"connecting to {address} in plain tcp://: the Dask scheduler has no authentication, and anyone "
            "who can reach it can run code on its workers; use tls:// with Dask's TLS settings"
        )
    return None


@contextmanager
def connect(address: str, echo=None):
    """A Dask client for address (engines that speak on it register what their workers need); a
    LocalCluster of single-thread worker processes for local:N. Closed (and a local cluster shut
    down) on exit."""
    try:
        from distributed import Client, LocalCluster  # the optional briefing[cluster]: 1.5 s
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
        yield client
    finally:
        client.close()
        if local:
            local.close()


@contextmanager
def client_for(address: str | None):
    """A Dask client for address (see connect), or None when there is none."""
    if not address:
        yield None
        return
    with connect(address) as client:
        yield client
