"""The user model every hotpath locustfile shares.

A lesson's locustfile only names its default endpoint; what to request, how the simulated user
behaves and when a request times out come from the environment, so the same file serves the
runner (`--driver locust`) and a learner running Locust by hand:

  HOTPATH_PATH          path and query to GET, e.g. /lessons/2/held-mutex?dbMs=50
  HOTPATH_USER          fast (default): FastHttpUser, no think time, a closed loop like
                        autocannon's connections
                        story: HttpUser waiting between(0.5, 0.5) s, as in story 001
  HOTPATH_TIMEOUT_SEC   per-request timeout, seconds (default 10)
  HOTPATH_REQUESTS_FILE a JSON list of {"path": ..., "headers": {...}} (site lessons 4 and 5):
                        each user walks it in order, from its own starting point, instead of
                        HOTPATH_PATH. Redirects are never followed.
  HOTPATH_ACCEPT_REDIRECTS  1: a 3xx (a short link's 301, a 304 Not Modified) is an answer, a
                        success (site lessons). Otherwise Locust's own rule applies.
"""

import itertools
import json
import os

from locust import FastHttpUser, HttpUser, between, constant, task


def _timeout() -> float:
    return float(os.environ.get("HOTPATH_TIMEOUT_SEC", "10"))


def _requests(default_path: str) -> list:
    requests_file = os.environ.get("HOTPATH_REQUESTS_FILE")
    if not requests_file:
        return [{"path": os.environ.get("HOTPATH_PATH", default_path), "headers": {}}]
    with open(requests_file, encoding="utf-8") as handle:
        requests = json.load(handle)
    if not isinstance(requests, list) or not requests:
        raise SystemExit(f"HOTPATH_REQUESTS_FILE must hold a non-empty JSON list, got {requests_file}")
    return [{"path": r["path"], "headers": r.get("headers") or {}} for r in requests]


_user_numbers = itertools.count()


def _cycle(requests: list):
    """Walks the mix in order; each new user starts a little further on, like a crowd would."""
    start = next(_user_numbers) % len(requests)
    return itertools.cycle(requests[start:] + requests[:start])


_ACCEPT_REDIRECTS = os.environ.get("HOTPATH_ACCEPT_REDIRECTS") == "1"


def _get(client, request: dict, **kwargs):
    """GETs one request of the mix without following redirects. With HOTPATH_ACCEPT_REDIRECTS a
    3xx is a success: FastHttpUser would otherwise count a 304 as a failure."""
    with client.get(request["path"], name=request["path"], headers=request["headers"], allow_redirects=False,
                    catch_response=True, **kwargs) as response:
        if _ACCEPT_REDIRECTS and 300 <= response.status_code < 400:
            response.success()


def lesson_user(default_path: str):
    """Returns the User class for a lesson whose endpoint defaults to default_path."""
    requests = _requests(default_path)
    model = os.environ.get("HOTPATH_USER", "fast")
    if model not in ("fast", "story"):
        raise SystemExit(f"HOTPATH_USER must be fast or story, got {model!r}")
    timeout = _timeout()

    if model == "story":

        class StoryUser(HttpUser):
            """Story 001's user: the slow requests library, half a second of think time."""

            wait_time = between(0.5, 0.5)

            def on_start(self):
                self.mix = _cycle(requests)

            @task
            def get_endpoint(self):
                _get(self.client, next(self.mix), timeout=timeout)

        return StoryUser

    class FastUser(FastHttpUser):
        """geventhttpclient-based user without think time: Locust's fastest way to load."""

        wait_time = constant(0)
        network_timeout = timeout
        connection_timeout = timeout

        def on_start(self):
            self.mix = _cycle(requests)

        @task
        def get_endpoint(self):
            _get(self.client, next(self.mix))

    return FastUser
