"""Lesson 3 (Cloning in a hot loop): load the cloning handler, or no-clone via HOTPATH_PATH.

By hand: start a server (node dist/server/main.js --lesson 3 --variant clone-every-round), then
  locust -f loadtests/locustfiles/lesson_03_clone_in_loop.py --host http://127.0.0.1:PORT
"""

from hotpath_user import lesson_user

LessonUser = lesson_user("/lessons/3/clone-every-round?iterations=1000000")
