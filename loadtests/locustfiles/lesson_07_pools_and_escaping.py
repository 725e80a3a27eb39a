"""Lesson 7 (Pools and escaping): load the allocating, chained-escaping page, or another variant via HOTPATH_PATH.

By hand: serve a variant (npm run lesson -- 7 --serve pooled-one-pass), then
  locust -f loadtests/locustfiles/lesson_07_pools_and_escaping.py --host http://127.0.0.1:PORT
"""

from hotpath_user import lesson_user

LessonUser = lesson_user("/lessons/7/alloc-chained?rows=2000")
