"""The user model every hotpath locustfile shares.

A lesson's locustfile only names its default endpoint; what to request, how the simulated user
behaves and when a request times out come from the environment, so the same file serves the
runner (`--driver locust`) and a learner running Locust by hand:

  HOTPATH_PATH          path and query to GET, e.g. /lessons/2/held-mutex?dbMs=50
  HOTPATH_USER          fast (default): FastHttpUser, no think time, a closed loop like
                        autocannon's connections
                        story: HttpUser waiting between(0.5, 0.5) s, as in story 001
  HOTPATH_TIMEOUT_SEC   per-request timeout, seconds (default 10)
"""

import os

from locust import FastHttpUser, HttpUser, between, constant, task


def _timeout() -> float:
    return float(os.environ.get("HOTPATH_TIMEOUT_SEC", "10"))


def lesson_user(default_path: str):
    """Returns the User class for a lesson whose endpoint defaults to default_path."""
    path = os.environ.get("HOTPATH_PATH", default_path)
    model = os.environ.get("HOTPATH_USER", "fast")
    if model not in ("fast", "story"):
        raise SystemExit(f"HOTPATH_USER must be fast or story, got {model!r}")
    timeout = _timeout()

    if model == "story":

        class StoryUser(HttpUser):
            """Story 001's user: the slow requests library, half a second of think time."""

            wait_time = between(0.5, 0.5)

            @task
            def get_endpoint(self):
                self.client.get(path, name=path, timeout=timeout)

        return StoryUser

    class FastUser(FastHttpUser):
        """geventhttpclient-based user without think time: Locust's fastest way to load."""

        wait_time = constant(0)
        network_timeout = timeout
        connection_timeout = timeout

        @task
        def get_endpoint(self):
            self.client.get(path, name=path)

    return FastUser
