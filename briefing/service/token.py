"""The service's token: given (--token, $BRIEFING_TOKEN) or made once and kept in the user config
folder, readable by the user only; compared in constant time."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from platformdirs import user_config_dir

ENVIRONMENT = "BRIEFING_TOKEN"


def token_file() -> Path:
    return Path(user_config_dir("briefing")) / "token"


def service_token(given: str | None = None) -> str:
    """The token: given, else $BRIEFING_TOKEN, else the kept one (made now, mode 0600, when there is none)."""
    chosen = given or os.environ.get(ENVIRONMENT)
    if chosen:
        return chosen
    path = token_file()
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    made = secrets.token_urlsafe(24)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(made + "\n")
    return made


def authorised(header: str | None, token: str) -> bool:
    """Whether an Authorization header carries the token (Bearer), compared in constant time."""
    scheme, _, presented = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode(), token.encode())
