"""Lesson 5 (Whole files, whole hashes): the files of the lab's site, cold or with If-None-Match.

The runner passes the whole mix (HOTPATH_REQUESTS_FILE), with If-None-Match headers for the
@warm points. By hand: `npm run site`, then
  node dist/server/main.js --lesson 5 --variant readfile-sha1 --site-dir site
  locust -f loadtests/locustfiles/lesson_05_whole_files.py --host http://127.0.0.1:PORT
Without a mix file, each user asks for the largest photo, cold.
"""

from hotpath_user import lesson_user

LessonUser = lesson_user("/lessons/5/readfile-sha1/img/photo-01.jpg")
