"""Lesson 8 (Fortunes): load the connect-per-request page, or another variant via HOTPATH_PATH.

By hand: serve a variant (npm run lesson -- 8 --serve prepared-once [--db postgres]), then
  locust -f loadtests/locustfiles/lesson_08_fortunes.py --host http://127.0.0.1:PORT
"""

from hotpath_user import lesson_user

LessonUser = lesson_user("/lessons/8/connect-per-request")
