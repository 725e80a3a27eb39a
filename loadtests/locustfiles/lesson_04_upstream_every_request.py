"""Lesson 4 (Work you didn't mean to do): files and short links of the lab's site.

The runner passes the whole mix (HOTPATH_REQUESTS_FILE). By hand: `npm run site`, then start
  node dist/server/upstream-main.js --latency-ms 20
  node dist/server/main.js --lesson 4 --variant fetch-per-request --site-dir site --upstream http://127.0.0.1:UPSTREAM_PORT
then  locust -f loadtests/locustfiles/lesson_04_upstream_every_request.py --host http://127.0.0.1:PORT
(story 002 used 10 k6 virtual users). Without a mix file, each user asks for the home page.
"""

from hotpath_user import lesson_user

LessonUser = lesson_user("/lessons/4/fetch-per-request/")
