"""Lesson 2 (A lock held across an await): the story's own experiment.

By hand: start a server (node dist/server/main.js --lesson 2 --variant held-mutex), then
  HOTPATH_USER=story locust -f loadtests/locustfiles/lesson_02_held_lock.py --host http://127.0.0.1:PORT
and open http://127.0.0.1:8089 (story 001 used 3,000 users spawned at 100/s).
"""

from hotpath_user import lesson_user

LessonUser = lesson_user("/lessons/2/held-mutex?dbMs=50")
