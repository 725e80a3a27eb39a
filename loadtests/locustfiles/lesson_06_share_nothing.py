"""Lesson 6 (Share nothing): load the one-process page, or the cluster via HOTPATH_PATH.

By hand: serve a variant (npm run lesson -- 6 --serve cluster), then
  locust -f loadtests/locustfiles/lesson_06_share_nothing.py --host http://127.0.0.1:PORT
"""

from hotpath_user import lesson_user

LessonUser = lesson_user("/lessons/6/one-process?rows=10000")
