"""The service's queue in SQLite: one waiting job per URL, claimed oldest first, resumed after a crash."""

from briefing.addresses import private_address
from briefing.service.jobs import Jobs
from briefing.service.token import authorised


def test_the_queue_keeps_jobs_in_order_and_one_waiting_job_per_url(tmp_path):
    jobs = Jobs(tmp_path)
    first, new = jobs.submit(url="https://example.org/a")
    again, new_again = jobs.submit(url="https://example.org/a")
    text, _ = jobs.submit(title="T", text="Some text.")
    assert new and not new_again and again.id == first.id
    assert [jobs.claim().id, jobs.claim().id, jobs.claim()] == [first.id, text.id, None]
    jobs.published(first.id, "episodes/a.mp3")
    jobs.failed(text.id, "cannot fetch")
    assert jobs.get(first.id).episode == "episodes/a.mp3" and jobs.get(text.id).error == "cannot fetch"
    assert jobs.submit(url="https://example.org/a")[1]  # published: a new submission is a new job
    assert jobs.retry(text.id).status == "queued" and jobs.retry(first.id) is None


def test_a_crash_mid_render_leaves_the_job_to_resume(tmp_path):
    jobs = Jobs(tmp_path)
    job, _ = jobs.submit(url="https://example.org/a")
    assert jobs.claim().id == job.id
    jobs.close()  # the server dies here
    reopened = Jobs(tmp_path)
    assert reopened.resume() == 1 and reopened.claim().id == job.id


def test_private_and_local_addresses_are_named():
    assert private_address("https://93.184.216.34/story") is None
    for url in (
        "http://127.0.0.1/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest",
        "http://[::1]/",
        "http://192.168.1.20/",
    ):
        assert private_address(url), url
    resolver = lambda host, port: [(2, 1, 6, "", ("169.254.169.254", 0))]  # noqa: E731  a name pointing inside
    assert "169.254.169.254" in private_address("https://metadata.example/", resolve=resolver)


def test_the_token_is_compared_whole():
    assert authorised("Bearer s3cret", "s3cret") and authorised("bearer s3cret ", "s3cret")
    assert (
        not authorised("Bearer s3cre", "s3cret")
        and not authorised(None, "s3cret")
        and not authorised("s3cret", "s3cret")
    )


def test_a_token_is_made_once_and_readable_by_the_user_only(tmp_path, monkeypatch):
    from briefing.service.token import service_token, token_file

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.delenv("BRIEFING_TOKEN", raising=False)
    made = service_token()
    assert len(made) >= 32 and service_token() == made and token_file().stat().st_mode & 0o777 == 0o600
    assert service_token("given") == "given"
    monkeypatch.setenv("BRIEFING_TOKEN", "from-env")
    assert service_token() == "from-env"


def test_a_schedule_queues_each_slot_once_and_the_latest_missed_one_late(tmp_path):
    import datetime as dt

    from briefing.config import Schedule
    from briefing.service.schedules import queue_due

    paris = dt.timezone(dt.timedelta(hours=1))  # Europe/Paris in winter
    morning = Schedule(at="06:30", days="mon-fri", timezone="Europe/Paris", title="Morning")
    jobs = Jobs(tmp_path)

    def at(day: int, hour: int, minute: int) -> dt.datetime:  # December 2026: the 1st is a Tuesday
        return dt.datetime(2026, 12, day, hour, minute, tzinfo=paris)

    assert queue_due(jobs, (morning,), at(1, 6, 0)) == []  # first seen: from now on
    assert queue_due(jobs, (morning,), at(1, 6, 29)) == []
    assert queue_due(jobs, (morning,), at(1, 6, 31)) == [morning.name]
    assert queue_due(jobs, (morning,), at(1, 6, 45)) == []  # the same slot, once
    restarted = Jobs(tmp_path)
    assert queue_due(restarted, (morning,), at(1, 7, 0)) == []  # a restart does not queue it again
    # Down from Tuesday 7:00 to Friday 9:00: Wednesday's, Thursday's and Friday's slots were missed.
    assert queue_due(restarted, (morning,), at(4, 9, 0)) == [morning.name]  # the latest, once, late
    assert queue_due(restarted, (morning,), at(5, 9, 0)) == []  # Saturday: none
    queued = [job for job in restarted.recent() if job.schedule]
    assert [job.title for job in queued] == ["Morning", "Morning"] and all(job.status == "queued" for job in queued)
