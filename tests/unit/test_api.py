"""The service's API in process (Starlette's test client): the submission rate limit is per token and
counts accepted submissions only, and a full queue is 429 with Retry-After."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from briefing.service import api
from briefing.service.jobs import Jobs

TOKEN = "a-token-for-the-tests-only"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(tmp_path):
    jobs = Jobs(tmp_path)
    with TestClient(Starlette(routes=api.api_routes(jobs, TOKEN, lambda: None))) as client:
        yield client


def story(number: int) -> dict:
    return {"title": f"Story {number}", "text": f"The council met on day {number} and agreed the budget."}


def test_a_full_queue_is_429_with_retry_after(client, monkeypatch):
    monkeypatch.setattr(api, "MAX_WAITING", 2)
    assert [client.post("/api/articles", json=story(n), headers=AUTH).status_code for n in (1, 2)] == [202, 202]
    full = client.post("/api/articles", json=story(3), headers=AUTH)
    assert full.status_code == 429 and int(full.headers["Retry-After"]) > 0 and "waiting" in full.json()["error"]


def test_the_rate_limit_counts_accepted_submissions_per_token():
    limit = api.RateLimit(count=3)
    for _ in range(3):
        assert limit.wait("a") == 0
        limit.count_one("a")
    assert limit.wait("a") > 0 and limit.wait("b") == 0  # another token is not held up


def test_rate_limited_submissions_are_429_with_retry_after(tmp_path, monkeypatch):
    monkeypatch.setattr(api, "SUBMISSIONS_PER_MINUTE", 2)
    jobs = Jobs(tmp_path)
    with TestClient(Starlette(routes=api.api_routes(jobs, TOKEN, lambda: None))) as client:
        for number in range(5):
            assert client.post("/api/articles", json={"junk": number}, headers=AUTH).status_code == 400
        assert [client.post("/api/articles", json=story(n), headers=AUTH).status_code for n in (1, 2)] == [202, 202]
        limited = client.post("/api/articles", json=story(3), headers=AUTH)
        assert limited.status_code == 429 and 0 < int(limited.headers["Retry-After"]) <= 60
