"""Lesson 1 (Measure first): load the sleep route, or the trivial one via HOTPATH_PATH.

By hand: start a server (node dist/server/main.js --lesson 1 --variant sleep), then
  locust -f loadtests/locustfiles/lesson_01_measure_first.py --host http://127.0.0.1:PORT
"""

from hotpath_user import lesson_user

LessonUser = lesson_user("/lessons/1/sleep?sleepMs=50")
