"""briefing as a service, run by `briefing serve --accept-submissions`: articles sent from a phone
(or any HTTP client holding the token) are queued in SQLite and rendered in the background into
the podcast folder's feed. jobs.py keeps the queue, renderer.py renders it, api.py answers
/api/articles, token.py keeps the token."""
